namespace OdooLatencyProxy.Tests.Collector;

public sealed class CronProbeTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Poll_Odoo18_PublishesIntervalsAndCountsFailureCountIncrementsOnce()
    {
        var db = await OdooDatabase.CreateAsync(postgres.Server, 18);
        await db.ExecuteAsync("""
            INSERT INTO ir_cron (id, cron_name, active, interval_number, interval_type, lastcall, nextcall, failure_count, first_failure_date) VALUES
              (1, '{"en_US": "Mail: send queue", "fr_FR": "Courriel"}', true, 1, 'hours', '2026-11-26 10:00:00', '2026-11-26 11:00:00', 0, NULL),
              (2, '{"en_US": "Carrier sync"}', true, 15, 'minutes', '2026-11-26 10:30:00', '2026-11-26 10:45:00', 2, '2026-11-26 10:15:00'),
              (3, '{"en_US": "Disabled"}', false, 1, 'days', NULL, '2026-11-27 00:00:00', 0, NULL);
            """);
        await using var harness = new CollectorHarness(db.CollectorConnectionString);
        var interval = harness.Collect<double>("odoo.cron.interval");
        var lastRun = harness.Collect<double>("odoo.cron.last_run.timestamp");
        var lastSuccess = harness.Collect<double>("odoo.cron.last_success.timestamp");
        var consecutive = harness.Collect<long>("odoo.cron.consecutive_failures");
        var failures = harness.Collect<long>("odoo.cron.failures");
        await harness.PollOkAsync("cron");

        Assert.Equal(2, interval.Observe().Count);
        Assert.Equal(3600, interval.Gauge(("cron", "Mail: send queue")));
        Assert.Equal(900, interval.Gauge(("cron", "Carrier sync")));
        Assert.Equal(Unix("2026-11-26T10:30:00Z"), lastRun.Gauge(("cron", "Carrier sync")));
        Assert.Equal(Unix("2026-11-26T10:00:00Z"), lastSuccess.Gauge(("cron", "Mail: send queue")));
        Assert.Null(lastSuccess.Gauge(("cron", "Carrier sync")));
        Assert.Equal(2, consecutive.Gauge(("cron", "Carrier sync")));
        Assert.Equal(0, failures.Sum());

        await db.ExecuteAsync("UPDATE ir_cron SET failure_count = 3, lastcall = '2026-11-26 10:45:00' WHERE id = 2");
        await harness.PollOkAsync("cron");
        await harness.PollOkAsync("cron");
        Assert.Equal(1, failures.Sum(("cron", "Carrier sync")));

        // A success resets the streak; the next failure starts a new one.
        await db.ExecuteAsync("UPDATE ir_cron SET failure_count = 0, first_failure_date = NULL, lastcall = '2026-11-26 11:00:00' WHERE id = 2");
        await harness.PollOkAsync("cron");
        Assert.Equal(Unix("2026-11-26T11:00:00Z"), lastSuccess.Gauge(("cron", "Carrier sync")));
        await db.ExecuteAsync("UPDATE ir_cron SET failure_count = 1, first_failure_date = '2026-11-26 11:15:00', lastcall = '2026-11-26 11:15:00' WHERE id = 2");
        await harness.PollOkAsync("cron");
        Assert.Equal(2, failures.Sum(("cron", "Carrier sync")));
        Assert.Equal(Unix("2026-11-26T11:00:00Z"), lastSuccess.Gauge(("cron", "Carrier sync")));
    }

    [Theory]
    [InlineData(16)]
    [InlineData(17)]
    public async Task Poll_Odoo16And17WithLog_FailuresAndSuccessesComeFromTheLog(int version)
    {
        var db = await OdooDatabase.CreateAsync(postgres.Server, version);
        var name = version >= 17 ? """'{"en_US": "Carrier sync"}'""" : "'Carrier sync'";
        var mail = version >= 17 ? """'{"en_US": "Mail: send queue"}'""" : "'Mail: send queue'";
        await db.ExecuteAsync($"""
            INSERT INTO ir_cron (id, cron_name, active, interval_number, interval_type, lastcall, nextcall, numbercall, doall) VALUES
              (1, {mail}, true, 5, 'minutes', '2026-11-26 20:35:00', '2026-11-26 20:40:00', -1, false),
              (2, {name}, true, 1, 'days', '2026-11-26 20:37:49', '2026-11-27 20:37:00', -1, false);
            """);
        var log = Path.Combine(Path.GetTempPath(), $"olp-odoo-{Guid.NewGuid():N}.log");
        await File.WriteAllTextAsync(log, $"2026-11-26 20:00:00,000 27801 ERROR {db.Name} odoo.addons.base.models.ir_cron: Call from cron Carrier sync for server action #339 failed in Job #2\n", TestContext.Current.CancellationToken);
        try
        {
            await using var harness = new CollectorHarness(db.CollectorConnectionString, new Dictionary<string, string?> { ["Collector:LogPath"] = log });
            var failures = harness.Collect<long>("odoo.cron.failures");
            var lastSuccess = harness.Collect<double>("odoo.cron.last_success.timestamp");
            var lastRun = harness.Collect<double>("odoo.cron.last_run.timestamp");
            var consecutive = harness.Collect<long>("odoo.cron.consecutive_failures");
            var watched = harness.Collect<double>("odoo.cron.watched_since.timestamp");
            await harness.PollOkAsync("cron_log");
            await harness.PollOkAsync("cron");
            // The table alone cannot tell success from failure: last run yes, last success and failures no.
            Assert.Equal(Unix("2026-11-26T20:37:49Z"), lastRun.Gauge(("cron", "Carrier sync")));
            Assert.Empty(lastSuccess.Observe());
            Assert.Empty(consecutive.Observe());
            Assert.Equal(0, failures.Sum());

            await File.AppendAllTextAsync(log, $"""
                2026-11-26 20:37:40,100 27801 INFO {db.Name} odoo.addons.base.models.ir_cron: Starting job `Mail: send queue`.
                2026-11-26 20:37:40,102 27801 INFO {db.Name} odoo.addons.base.models.ir_cron: Job done: `Mail: send queue` (0.002s).
                2026-11-26 20:37:49,633 27801 ERROR {db.Name} odoo.addons.base.models.ir_cron: Call from cron Carrier sync for server action #339 failed in Job #2
                Traceback (most recent call last):
                  File "/odoo/addons/base/models/ir_cron.py", line 400, in _callback
                UserError: carrier down
                2026-11-26 20:37:50,000 27801 ERROR otherdb odoo.addons.base.models.ir_cron: Call from cron Carrier sync for server action #339 failed in Job #2

                """, TestContext.Current.CancellationToken);
            await harness.PollOkAsync("cron_log");
            await harness.PollOkAsync("cron_log");
            await harness.PollOkAsync("cron");
            Assert.Equal(1, failures.Sum(("cron", "Carrier sync")));
            Assert.Equal(1, failures.Sum());
            Assert.Equal(Unix("2026-11-26T20:37:40.102Z"), lastSuccess.Gauge(("cron", "Mail: send queue")));
            Assert.Null(lastSuccess.Gauge(("cron", "Carrier sync")));
            // With the log followed, the failing cron's missing success can be judged from when watching began.
            Assert.NotNull(watched.Gauge(("cron", "Carrier sync")));
        }
        finally
        {
            File.Delete(log);
        }
    }

    [Fact]
    public async Task Poll_LogFileDeletedThenRecreated_ReportsErrorWithTheReasonThenRecovers()
    {
        var db = await OdooDatabase.CreateAsync(postgres.Server, 17);
        var log = Path.Combine(Path.GetTempPath(), $"olp-odoo-{Guid.NewGuid():N}.log");
        await File.WriteAllTextAsync(log, "2026-11-26 20:00:00,000 27801 INFO db odoo.modules.loading: loading\n", TestContext.Current.CancellationToken);
        try
        {
            await using var harness = new CollectorHarness(db.CollectorConnectionString, new Dictionary<string, string?> { ["Collector:LogPath"] = log });
            await harness.PollOkAsync("cron_log");

            File.Delete(log);
            var missing = await harness.PollAsync("cron_log");
            Assert.Equal("error", missing.State);
            Assert.Contains($"Odoo log '{log}' does not exist", missing.Reason, StringComparison.Ordinal);

            await File.WriteAllTextAsync(log, "2026-11-26 21:00:00,000 27801 INFO db odoo.modules.loading: loading again\n", TestContext.Current.CancellationToken);
            await harness.PollOkAsync("cron_log");
        }
        finally
        {
            File.Delete(log);
        }
    }

    [Fact]
    public async Task Poll_NoLogConfigured_LogProbeSkippedWithReason()
    {
        var db = await OdooDatabase.CreateAsync(postgres.Server, 17);
        await using var harness = new CollectorHarness(db.CollectorConnectionString);
        var status = await harness.PollAsync("cron_log");
        Assert.Equal("skipped", status.State);
        Assert.Contains("LogPath", status.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Poll_CronFailingOnEveryRunSinceStart_PublishesWhenWatchingBeganAndKeepsItAcrossRestarts()
    {
        var db = await OdooDatabase.CreateAsync(postgres.Server, 18);
        await db.ExecuteAsync("""
            INSERT INTO ir_cron (id, cron_name, active, interval_number, interval_type, lastcall, nextcall, failure_count, first_failure_date) VALUES
              (1, '{"en_US": "Carrier sync"}', true, 1, 'minutes', utcnow(), utcnow() + interval '1 minute', 4, utcnow() - interval '3 minutes');
            """);
        var state = Path.Combine(Path.GetTempPath(), $"olp-cron-state-{Guid.NewGuid():N}.json");
        try
        {
            double first;
            await using (var harness = new CollectorHarness(db.CollectorConnectionString, new Dictionary<string, string?> { ["Collector:StatePath"] = state }))
            {
                var lastSuccess = harness.Collect<double>("odoo.cron.last_success.timestamp");
                var watched = harness.Collect<double>("odoo.cron.watched_since.timestamp");
                var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
                await harness.PollOkAsync("cron");
                // No success ever seen: the alert's clock starts when the collector began to watch.
                Assert.Empty(lastSuccess.Observe());
                first = watched.Gauge(("cron", "Carrier sync"))!.Value;
                Assert.InRange(first, before - 60, before + 60);
                await db.ExecuteAsync("UPDATE ir_cron SET failure_count = 5, lastcall = utcnow() + interval '1 minute' WHERE id = 1");
                await harness.PollOkAsync("cron");
                Assert.Equal(first, watched.Gauge(("cron", "Carrier sync")));
            }

            // A restart must not restart the clock: a cron that fails for days would never alert.
            await using (var harness = new CollectorHarness(db.CollectorConnectionString, new Dictionary<string, string?> { ["Collector:StatePath"] = state }))
            {
                var watched = harness.Collect<double>("odoo.cron.watched_since.timestamp");
                await harness.PollOkAsync("cron");
                Assert.Equal(first, watched.Gauge(("cron", "Carrier sync")));

                // Deactivated, then active again: a new clock, not the old one (nor a state file that keeps every cron ever seen).
                await db.ExecuteAsync("UPDATE ir_cron SET active = false WHERE id = 1");
                await harness.PollOkAsync("cron");
                Assert.Empty(watched.Observe());
                await db.ExecuteAsync("UPDATE ir_cron SET active = true WHERE id = 1");
                await harness.PollOkAsync("cron");
                Assert.True(watched.Gauge(("cron", "Carrier sync")) > first);
            }
        }
        finally
        {
            File.Delete(state);
        }
    }

    [Fact]
    public async Task Poll_Odoo17WithoutLog_PublishesNoWatchedSinceBecauseNoSuccessCanBeSeen()
    {
        var db = await OdooDatabase.CreateAsync(postgres.Server, 17);
        await db.ExecuteAsync("""
            INSERT INTO ir_cron (id, cron_name, active, interval_number, interval_type, lastcall, nextcall, numbercall, doall) VALUES
              (1, '{"en_US": "Carrier sync"}', true, 1, 'minutes', utcnow(), utcnow() + interval '1 minute', -1, false);
            """);
        await using var harness = new CollectorHarness(db.CollectorConnectionString);
        var watched = harness.Collect<double>("odoo.cron.watched_since.timestamp");
        var lastRun = harness.Collect<double>("odoo.cron.last_run.timestamp");
        await harness.PollOkAsync("cron");
        // Only last_run is left for the alert: there "not run" is all that can be judged.
        Assert.Empty(watched.Observe());
        Assert.NotNull(lastRun.Gauge(("cron", "Carrier sync")));
    }

    private static double Unix(string iso) =>
        (DateTimeOffset.Parse(iso, System.Globalization.CultureInfo.InvariantCulture) - DateTimeOffset.UnixEpoch).TotalSeconds;
}
