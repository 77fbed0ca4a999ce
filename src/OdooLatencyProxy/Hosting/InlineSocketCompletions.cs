namespace OdooLatencyProxy.Hosting;

/// <summary>
/// .NET's inline socket completions (<see cref="Variable"/>): a socket operation's continuation runs on the thread that
/// saw the socket ready, not on a thread-pool thread woken for it. .NET reads the variable once, when the process's
/// first socket operation starts its socket engine, so it is set before the proxy listens or connects.
/// </summary>
internal static class InlineSocketCompletions
{
    /// <summary>The environment variable .NET reads.</summary>
    public const string Variable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    /// <summary>Turns them on, unless the operator's environment already says either way.</summary>
    public static void Enable()
    {
        if (Environment.GetEnvironmentVariable(Variable) is null) Environment.SetEnvironmentVariable(Variable, "1");
    }
}
