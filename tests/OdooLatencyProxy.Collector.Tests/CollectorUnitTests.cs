using Microsoft.Extensions.Time.Testing;
using OdooLatencyProxy.Collector;

namespace OdooLatencyProxy.Tests.Collector;

public sealed class CollectorUnitTests
{
    [Theory]
    [InlineData("SELECT * FROM res_users WHERE login = 'admin' AND password = 'hunter2'", "SELECT * FROM res_users WHERE login = ? AND password = ?")]
    [InlineData("UPDATE t SET v = 3.14, w = -2 WHERE id IN (1, 2, 3, 4)", "UPDATE t SET v = ?, w = ? WHERE id IN (?, ...)")]
    [InlineData("SELECT $1, col2 FROM t2 WHERE x = E'it''s\\n'", "SELECT $1, col2 FROM t2 WHERE x = ?")]
    [InlineData("DO $body$ BEGIN PERFORM 'x'; END $body$", "DO ?")]
    [InlineData("SELECT   a\n\tFROM  b", "SELECT a FROM b")]
    [InlineData("INSERT INTO mail_message (body) VALUES ('<p>token=abc", "INSERT INTO mail_message (body) VALUES (?")]
    [InlineData("ALTER ROLE odoo PASSWORD 'md5secret'", "ALTER ROLE odoo PASSWORD ?")]
    [InlineData("", "")]
    public void Normalize_Literals_Removed(string sql, string expected) => Assert.Equal(expected, SqlText.Normalize(sql, 200));

    [Fact]
    public void Normalize_LongText_CutToTheBound()
    {
        var text = SqlText.Normalize("SELECT " + string.Join(", ", Enumerable.Range(0, 100).Select(i => $"column_{i}")), 50);
        Assert.Equal(50, text.Length);
        Assert.EndsWith("...", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("17.0.1.3", 17)]
    [InlineData("16.0.1.3", 16)]
    [InlineData("saas~18.2.1.0", 18)]
    [InlineData("nonsense", null)]
    public void ParseMajor_OdooModuleVersions(string version, int? expected) => Assert.Equal(expected, OdooSchema.ParseMajor(version));

    [Fact]
    public void Backoff_DoublesPerFailureUpToTheCap()
    {
        var interval = TimeSpan.FromSeconds(15);
        var max = TimeSpan.FromMinutes(1);
        Assert.Equal(
            [15, 15, 30, 60, 60, 60],
            Enumerable.Range(0, 6).Select(f => ProbeRunner.Backoff(interval, f, max).TotalSeconds));
    }

    [Fact]
    public async Task Runner_UnreachableDatabase_FailsAloneWithBackoffAndCountedErrors()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));
        await using var harness = new CollectorHarness(
            $"Host=127.0.0.1;Port={CollectorHostTests.ClosedPort()};Username=x;Password=y;Database=odoo",
            new Dictionary<string, string?> { ["Collector:ConnectionsInterval"] = "00:00:15", ["Collector:MaxBackoff"] = "00:01:00" },
            time);
        var errors = harness.Collect<long>("odoo.collector.errors");
        var up = harness.Collect<int>("odoo.collector.probe.up");
        var runner = (ProbeRunner)harness.Services.GetService(typeof(ProbeRunner))!;
        var probe = ((IEnumerable<ICollectorProbe>)harness.Services.GetService(typeof(IEnumerable<ICollectorProbe>))!).Single(p => p.Name == "db_connections");

        var delays = new List<double>();
        for (var i = 0; i < 4; i++)
        {
            delays.Add((await runner.PollOnceAsync(probe, TestContext.Current.CancellationToken)).TotalSeconds);
            time.Advance(TimeSpan.FromSeconds(delays[^1]));
        }

        Assert.Equal([15, 30, 60, 60], delays);
        Assert.Equal(4, errors.Sum(("probe", "db_connections")));
        Assert.Equal(0, up.Gauge(("probe", "db_connections")));
        var status = harness.Status.Get("db_connections")!;
        Assert.Equal(("error", 4, 4L), (status.State, status.ConsecutiveFailures, status.Errors));
        Assert.Equal(time.GetUtcNow() - TimeSpan.FromSeconds(60), status.LastAttempt);
    }

    [Fact]
    public void SeenSet_EventsInsideTheLookBack_CountedOnceThenForgotten()
    {
        var set = new SeenSet();
        var t0 = new DateTime(2026, 11, 26, 12, 0, 0);
        var margin = TimeSpan.FromMinutes(2);
        Assert.True(set.IsBaseline);
        set.Advance(t0, margin);
        Assert.Equal(t0 - margin, set.From(margin));
        Assert.True(set.Add("a", t0.AddSeconds(-30)));
        Assert.False(set.Add("a", t0.AddSeconds(-30)));
        set.Advance(t0.AddMinutes(10), margin);
        Assert.True(set.Add("a", t0.AddSeconds(-30)));
        var restored = new SeenSet();
        restored.Restore(set.Save(), t0);
        Assert.False(restored.Add("a", t0.AddSeconds(-30)));
        Assert.Equal(t0.AddMinutes(10), restored.Watermark);
    }
}
