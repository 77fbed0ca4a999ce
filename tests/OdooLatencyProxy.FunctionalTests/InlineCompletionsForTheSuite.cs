using System.Runtime.CompilerServices;

namespace OdooLatencyProxy.Tests;

/// <summary>
/// The suite runs the proxies as production does (<c>InlineScheduling</c> on by default): .NET's inline socket
/// completions must be on before the process's first socket operation, which only a module initializer precedes.
/// </summary>
internal static class InlineCompletionsForTheSuite
{
    [ModuleInitializer]
    internal static void Enable() => Environment.SetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", "1");
}
