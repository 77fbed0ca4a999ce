using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using OdooLatencyProxy.Collector;

namespace OdooLatencyProxy.Tests.Collector;

/// <summary>
/// What one <c>db_activity</c> sample costs on a real PostgreSQL with Odoo-like sessions, printed for docs/collector.md
/// (the figures are reported, not asserted: speed belongs in reports). Rerun on a quiet machine with
/// <c>dotnet test tests/OdooLatencyProxy.Collector.Tests -c Release --filter ActivityProbeCost --logger "console;verbosity=detailed"</c>.
/// </summary>
public sealed class ActivityProbeCostTests(PostgresFixture postgres, ITestOutputHelper output)
{
    private const int Polls = 200;

    [Fact]
    public async Task ActivityProbeCost_FortySessionsHalfRunning_EverySampleSeesEveryRunningStatement()
    {
        var ct = TestContext.Current.CancellationToken;
        var db = await OdooDatabase.CreateAsync(postgres.Server, 17);
        await using var harness = new CollectorHarness(db.CollectorConnectionString);
        var history = harness.Services.GetRequiredService<ActivityHistory>();
        var quiet = await MeasureAsync(harness, "no other session");

        // An Odoo with 20 workers, each with a connection: half between requests (idle in transaction as a worker inside a
        // request is, between statements), half running a statement.
        var sessions = new List<NpgsqlConnection>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var running = new List<Task>();
        try
        {
            for (var i = 0; i < 40; i++)
            {
                var conn = new NpgsqlConnection(postgres.Server.AdminConnectionString(db.Name) + $";Application Name=odoo-{i}");
                await conn.OpenAsync(ct);
                sessions.Add(conn);
                await using var cmd = new NpgsqlCommand(i % 2 == 0 ? "BEGIN; SELECT count(*) FROM sale_order WHERE id > 42" : "SELECT pg_sleep(120), 'x'", conn);
                if (i % 2 == 0) await cmd.ExecuteNonQueryAsync(ct);
                else running.Add(new NpgsqlCommand("SELECT pg_sleep(120), 'x'", conn).ExecuteScalarAsync(stop.Token));
            }
            await Wait.UntilAsync(async () =>
            {
                await harness.PollOkAsync("db_activity");
                return history.Overlapping(history.LastSampleAt!.Value, history.LastSampleAt.Value).Count == 20;
            }, "the 20 running statements are sampled");

            await ServerSideAsync(db, reset: true);
            var busy = await MeasureAsync(harness, "40 sessions, 20 running");
            await ServerSideAsync(db, reset: false);
            Assert.Equal(20, history.All().Count(s => s.LastSeen == history.LastSampleAt));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Share of one collector connection's time (p50 poll): {busy / 1000 * 100:F2} % at 1 s, {busy / 2000 * 100:F2} % at 2 s, {busy / 10_000 * 100:F3} % at 10 s (quiet: {quiet:F2} ms)."));
        }
        finally
        {
            await stop.CancelAsync();
            foreach (var task in running)
            {
                try
                {
                    await task;
                }
                catch (Exception e) when (e is OperationCanceledException or PostgresException or NpgsqlException)
                {
                    // Cancelled on purpose.
                }
            }
            foreach (var conn in sessions) await conn.DisposeAsync();
        }
    }

    // PostgreSQL's own time for the probe's statement (pg_stat_statements): what the database pays, whatever the client's load.
    private async Task ServerSideAsync(OdooDatabase db, bool reset)
    {
        await using var conn = new NpgsqlConnection(db.Server.AdminConnectionString(db.Name));
        await conn.OpenAsync(TestContext.Current.CancellationToken);
        await using var cmd = new NpgsqlCommand(reset
            ? "SELECT pg_stat_statements_reset()::text"
            : "SELECT format('%s calls, mean %s ms, max %s ms', calls, round(mean_exec_time::numeric, 3), round(max_exec_time::numeric, 3)) FROM pg_stat_statements WHERE query LIKE '%row_number() OVER%' AND query NOT LIKE '%pg_stat_statements%'", conn);
        var text = await cmd.ExecuteScalarAsync(TestContext.Current.CancellationToken);
        if (!reset) output.WriteLine($"db_activity statement inside PostgreSQL: {text}");
    }

    // Time of one poll as the probe runner does it (pooled connection, query, normalisation, history): p50 in ms (the mean is the machine's load).
    private async Task<double> MeasureAsync(CollectorHarness harness, string what)
    {
        var times = new double[Polls];
        for (var i = 0; i < Polls; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await harness.PollOkAsync("db_activity");
            times[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }
        Array.Sort(times);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"db_activity poll, {what}: mean {times.Average():F2} ms, p50 {times[Polls / 2]:F2} ms, p99 {times[Polls * 99 / 100]:F2} ms, max {times[^1]:F2} ms over {Polls} polls"));
        return times[Polls / 2];
    }
}
