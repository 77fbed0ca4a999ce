namespace OdooLatencyProxy.Testing;

/// <summary>Waits on a condition with a deadline, never a fixed sleep. Compiled into every test project.</summary>
public static class Wait
{
    private static readonly TimeSpan DefaultDeadline = TimeSpan.FromSeconds(30);

    /// <summary>Polls <paramref name="condition"/> until it holds; fails the test naming <paramref name="what"/> after the deadline.</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, string what = "the condition holds", TimeSpan? deadline = null, Func<Task<string>>? describe = null)
    {
        var until = DateTime.UtcNow + (deadline ?? DefaultDeadline);
        while (!await condition())
        {
            if (DateTime.UtcNow > until)
            {
                Assert.Fail($"Timed out waiting until {what}" + (describe is null ? "." : ": " + await describe()));
            }
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }
    }

    /// <inheritdoc cref="UntilAsync(Func{Task{bool}}, string, TimeSpan?, Func{Task{string}}?)"/>
    public static Task UntilAsync(Func<bool> condition, string what = "the condition holds", TimeSpan? deadline = null) =>
        UntilAsync(() => Task.FromResult(condition()), what, deadline);
}
