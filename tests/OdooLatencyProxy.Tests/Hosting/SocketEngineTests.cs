using OdooLatencyProxy.Configuration;
using OdooLatencyProxy.Hosting;

namespace OdooLatencyProxy.Tests.Hosting;

public sealed class SocketEngineTests : IDisposable
{
    private readonly string? _inlineBefore = Environment.GetEnvironmentVariable(SocketEngine.InlineCompletionsVariable);
    private readonly string? _threadsBefore = Environment.GetEnvironmentVariable(SocketEngine.ThreadCountVariable);

    public SocketEngineTests()
    {
        Environment.SetEnvironmentVariable(SocketEngine.InlineCompletionsVariable, null);
        Environment.SetEnvironmentVariable(SocketEngine.ThreadCountVariable, null);
    }

    [Fact]
    public void Defaults_turn_inline_completions_on_with_one_socket_thread()
    {
        SocketEngine.Configure(new ProxyOptions());

        Assert.Equal("1", Environment.GetEnvironmentVariable(SocketEngine.InlineCompletionsVariable));
        Assert.Equal("1", Environment.GetEnvironmentVariable(SocketEngine.ThreadCountVariable));
    }

    [Fact]
    public void SocketThreads_is_the_engines_thread_count_and_InlineScheduling_false_leaves_NETs_default()
    {
        SocketEngine.Configure(new ProxyOptions { SocketThreads = 4, InlineScheduling = false });

        Assert.Null(Environment.GetEnvironmentVariable(SocketEngine.InlineCompletionsVariable));
        Assert.Equal("4", Environment.GetEnvironmentVariable(SocketEngine.ThreadCountVariable));
    }

    [Fact]
    public void The_operators_own_values_win()
    {
        Environment.SetEnvironmentVariable(SocketEngine.InlineCompletionsVariable, "0");
        Environment.SetEnvironmentVariable(SocketEngine.ThreadCountVariable, "3");

        SocketEngine.Configure(new ProxyOptions { SocketThreads = 1 });

        Assert.Equal("0", Environment.GetEnvironmentVariable(SocketEngine.InlineCompletionsVariable));
        Assert.Equal("3", Environment.GetEnvironmentVariable(SocketEngine.ThreadCountVariable));
    }

    public void Dispose()
    {
        Environment.SetEnvironmentVariable(SocketEngine.InlineCompletionsVariable, _inlineBefore);
        Environment.SetEnvironmentVariable(SocketEngine.ThreadCountVariable, _threadsBefore);
    }
}
