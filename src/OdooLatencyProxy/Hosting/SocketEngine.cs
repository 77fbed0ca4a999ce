using System.Globalization;
using OdooLatencyProxy.Configuration;

namespace OdooLatencyProxy.Hosting;

/// <summary>
/// .NET's socket engine, set before the proxy listens or connects: .NET reads its two variables once, when the
/// process's first socket operation starts the engine. An operator's own value of either variable wins.
/// </summary>
internal static class SocketEngine
{
    /// <summary>
    /// Inline completions: a socket operation's continuation runs on the thread that saw the socket ready, not on a
    /// thread-pool thread woken for it (<see cref="ProxyOptions.InlineScheduling"/>).
    /// </summary>
    public const string InlineCompletionsVariable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    /// <summary>
    /// How many threads wait on sockets (<see cref="ProxyOptions.SocketThreads"/>). With inline completions .NET would
    /// start one per core and spread sockets over them, so a request's client and Odoo sockets often sat on two
    /// threads that woke each other at every step.
    /// </summary>
    public const string ThreadCountVariable = "DOTNET_SYSTEM_NET_SOCKETS_THREAD_COUNT";

    public static void Configure(ProxyOptions options)
    {
        if (options.InlineScheduling) SetUnlessSet(InlineCompletionsVariable, "1");
        SetUnlessSet(ThreadCountVariable, options.SocketThreads.ToString(CultureInfo.InvariantCulture));
    }

    private static void SetUnlessSet(string variable, string value)
    {
        if (Environment.GetEnvironmentVariable(variable) is null) Environment.SetEnvironmentVariable(variable, value);
    }
}
