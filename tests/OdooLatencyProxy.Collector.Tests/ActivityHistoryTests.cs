using OdooLatencyProxy.Collector;

namespace OdooLatencyProxy.Tests.Collector;

public sealed class ActivityHistoryTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 30, 6, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Add_SameBackendSameQueryStart_OneStatementWhoseLastSightingMoves_TextNormalisedOnce()
    {
        var normalised = 0;
        var history = new ActivityHistory(10, TimeSpan.FromSeconds(1), sampling: true, []);
        string Normalize(string? sql) { normalised++; return SqlText.Normalize(sql, 200); }

        history.Add(T0, [Row(7, T0, 0.5, "SELECT pg_sleep(3)")], Normalize);
        history.Add(T0.AddSeconds(1), [Row(7, T0, 1.5, "SELECT pg_sleep(3)", "Lock")], Normalize);

        var statement = Assert.Single(history.All());
        Assert.Equal(1, normalised);
        Assert.Equal("SELECT pg_sleep(?)", statement.Query);
        Assert.Equal(T0.AddSeconds(-0.5), statement.QueryStart);
        Assert.Equal((T0, T0.AddSeconds(1)), (statement.FirstSeen, statement.LastSeen));
        Assert.Equal("Lock", statement.WaitEventType);
        Assert.Equal(T0.AddSeconds(1), history.LastSampleAt);
    }

    [Fact]
    public void Add_MoreStatementsThanTheCapacity_ForgetsTheOnesThatEndedFirst_CompleteSinceMoves()
    {
        var history = new ActivityHistory(2, TimeSpan.FromSeconds(1), sampling: true, []);
        for (var i = 0; i < 4; i++)
        {
            history.Add(T0.AddSeconds(i), [Row(i, T0.AddSeconds(i), 0, $"SELECT {i}")], Normalize);
        }
        history.Add(T0.AddSeconds(4), [], Normalize);

        Assert.Equal([2, 3], history.All().Select(s => s.Pid));
        Assert.Equal(T0.AddSeconds(1), history.CompleteSince);
        Assert.Empty(history.Overlapping(T0, T0.AddSeconds(1.5)));
        Assert.Equal([3], history.Overlapping(T0.AddSeconds(2.5), T0.AddSeconds(10)).Select(s => s.Pid));
    }

    [Fact]
    public void Add_TellsEveryListener_AfterTheSampleIsIn()
    {
        var listener = new Listener();
        var history = new ActivityHistory(10, TimeSpan.FromSeconds(1), sampling: true, [listener]);

        history.Add(T0, [Row(1, T0, 0, "SELECT 1")], Normalize);

        Assert.Equal(1, Assert.Single(listener.Seen));
    }

    private static string Normalize(string? sql) => SqlText.Normalize(sql, 200);

    private static ActiveRow Row(int pid, DateTimeOffset queryStart, double age, string query, string? wait = null) =>
        new(pid, "odoo", queryStart.UtcDateTime, age, query, wait, null);

    private sealed class Listener : IActivitySampleListener
    {
        public List<int> Seen { get; } = [];

        public void Sampled(ActivityHistory history) => Seen.Add(history.All().Count);
    }
}
