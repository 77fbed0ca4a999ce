using OdooLatencyProxy.Hosting;

namespace OdooLatencyProxy.Tests.Hosting;

public sealed class InlineSocketCompletionsTests : IDisposable
{
    private readonly string? _before = Environment.GetEnvironmentVariable(InlineSocketCompletions.Variable);

    [Fact]
    public void Enable_turns_them_on_when_the_environment_says_nothing()
    {
        Environment.SetEnvironmentVariable(InlineSocketCompletions.Variable, null);
        InlineSocketCompletions.Enable();
        Assert.Equal("1", Environment.GetEnvironmentVariable(InlineSocketCompletions.Variable));
    }

    [Fact]
    public void The_operators_own_value_wins()
    {
        Environment.SetEnvironmentVariable(InlineSocketCompletions.Variable, "0");
        InlineSocketCompletions.Enable();
        Assert.Equal("0", Environment.GetEnvironmentVariable(InlineSocketCompletions.Variable));
    }

    public void Dispose() => Environment.SetEnvironmentVariable(InlineSocketCompletions.Variable, _before);
}
