using System.Runtime.CompilerServices;
using OdooLatencyProxy.Configuration;
using OdooLatencyProxy.Hosting;

namespace OdooLatencyProxy.Tests;

/// <summary>
/// The suite runs the proxies as production does: .NET's socket engine as the proxy sets it by default (inline
/// completions, one socket thread) must be in place before the process's first socket operation, which only a module
/// initializer precedes.
/// </summary>
internal static class SocketEngineForTheSuite
{
    [ModuleInitializer]
    internal static void Configure() => SocketEngine.Configure(new ProxyOptions());
}
