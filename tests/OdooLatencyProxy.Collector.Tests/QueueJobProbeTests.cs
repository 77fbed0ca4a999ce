namespace OdooLatencyProxy.Tests.Collector;

public sealed class QueueJobProbeTests(PostgresFixture postgres)
{
    private static readonly Dictionary<string, string?> EdiChannel = new() { ["Collector:IntegrationChannels:root.edi"] = "edi" };

    [Theory]
    [InlineData(16)]
    [InlineData(17)]
    [InlineData(18)]
    public async Task Poll_JobsFinishedAfterBaseline_CountedOncePerChannelWithTimes(int version)
    {
        var db = await OdooDatabase.CreateAsync(postgres.Server, version);
        // Finished before the collector started: part of the baseline, never counted.
        await db.ExecuteAsync(Done("old-1", "root", ago: "1 minute") + Failed(1001, "old-2", "root", ago: "1 minute") + Done("old-3", "root", ago: "3 days"));
        await using var harness = new CollectorHarness(db.CollectorConnectionString, EdiChannel);
        var finished = harness.Collect<long>("odoo.queue_job.finished");
        var retries = harness.Collect<long>("odoo.queue_job.retries");
        var exec = harness.Collect<double>("odoo.queue_job.execution.duration");
        var wait = harness.Collect<double>("odoo.queue_job.wait.duration");
        var integration = harness.Collect<long>("odoo.integration.operations");
        var jobs = harness.Collect<long>("odoo.queue_job.jobs");
        var oldest = harness.Collect<double>("odoo.queue_job.oldest_pending.age");
        await harness.PollOkAsync("queue_job");
        Assert.Equal(0, finished.Sum());

        await db.ExecuteAsync(
            Done("d1", "root.edi", retry: 1, exec: 1.5) + Done("d2", "root.edi", retry: 3, exec: 3.0) + Done("d3", "root", retry: 1, exec: 0.25)
            + Failed(2001, "f1", "root.edi", retry: 2)
            + """
              INSERT INTO queue_job (uuid, state, channel, date_created, retry) VALUES
                ('p1', 'pending', 'root', utcnow() - interval '300 seconds', 0),
                ('p2', 'pending', 'root', utcnow() - interval '10 seconds', 0),
                ('w1', 'wait_dependencies', 'root', utcnow(), 0);
              INSERT INTO queue_job (uuid, state, channel, date_created, eta, retry) VALUES ('p3', 'pending', 'root', utcnow() - interval '1 hour', utcnow() + interval '1 hour', 0);
              INSERT INTO queue_job (uuid, state, channel, date_created, date_enqueued, date_started, retry) VALUES ('s1', 'started', 'root.edi', utcnow(), utcnow(), utcnow(), 1);
              """);
        await harness.PollOkAsync("queue_job");

        Assert.Equal(2, finished.Sum(("channel", "root.edi"), ("state", "done")));
        Assert.Equal(1, finished.Sum(("channel", "root"), ("state", "done")));
        Assert.Equal(1, finished.Sum(("channel", "root.edi"), ("state", "failed")));
        Assert.Equal(4, finished.Sum());
        Assert.Equal(2 + 1, retries.Sum(("channel", "root.edi")));
        Assert.Equal([1.5, 3.0], exec.Values(("channel", "root.edi")).Order());
        Assert.Equal([2.0, 2.0, 2.0], wait.Values(("channel", "root.edi")));
        Assert.Equal(2, integration.Sum(("odoo.integration", "edi"), ("odoo.outcome", "ok")));
        Assert.Equal(1, integration.Sum(("odoo.integration", "edi"), ("odoo.outcome", "failed")));
        Assert.Equal(3, jobs.Gauge(("channel", "root"), ("state", "pending")));
        Assert.Equal(1, jobs.Gauge(("channel", "root"), ("state", "wait_dependencies")));
        Assert.Equal(1, jobs.Gauge(("channel", "root.edi"), ("state", "started")));
        Assert.Equal(1, jobs.Gauge(("channel", "root"), ("state", "failed")));
        // p3 is older but not due yet; p1 was created 300 s before the insert.
        Assert.InRange(oldest.Gauge(("channel", "root"))!.Value, 300, 600);

        await harness.PollOkAsync("queue_job");
        Assert.Equal(4, finished.Sum());

        // Committed after the last poll but dated before it (a long transaction): seen once through the margin.
        await db.ExecuteAsync(Done("late", "root", ago: "20 seconds") + Failed(2002, "late-f", "root", ago: "20 seconds"));
        await harness.PollOkAsync("queue_job");
        await harness.PollOkAsync("queue_job");
        Assert.Equal(2, finished.Sum(("channel", "root"), ("state", "done")));
        Assert.Equal(1, finished.Sum(("channel", "root"), ("state", "failed")));
        Assert.Equal(6, finished.Sum());
    }

    [Fact]
    public async Task Poll_NothingWaitsAnyMore_OldestPendingAgeReadsZeroInsteadOfVanishing()
    {
        var db = await OdooDatabase.CreateAsync(postgres.Server, 17);
        await using var harness = new CollectorHarness(db.CollectorConnectionString);
        var oldest = harness.Collect<double>("odoo.queue_job.oldest_pending.age");
        await db.ExecuteAsync("INSERT INTO queue_job (uuid, state, channel, date_created, retry) VALUES ('p1', 'pending', 'root.fast', utcnow() - interval '30 seconds', 0);");
        await harness.PollOkAsync("queue_job");
        Assert.InRange(oldest.Gauge(("channel", "root.fast"))!.Value, 30, 300);

        await db.ExecuteAsync("UPDATE queue_job SET state = 'done', date_enqueued = utcnow(), date_started = utcnow(), date_done = utcnow() WHERE uuid = 'p1';");
        await harness.PollOkAsync("queue_job");
        // A panel and an alert on this gauge see "nothing waits", not "no data".
        Assert.Equal(0, oldest.Gauge(("channel", "root.fast")));
        // A channel never seen gets no series.
        Assert.Single(oldest.Observe().Select(m => m.Tags["channel"]).Distinct());
    }

    [Fact]
    public async Task Restart_WithStateFile_CountsWhatHappenedWhileDownAndNothingTwice()
    {
        var db = await OdooDatabase.CreateAsync(postgres.Server, 17);
        var state = Path.Combine(Path.GetTempPath(), $"olp-state-{Guid.NewGuid():N}.json");
        var settings = new Dictionary<string, string?> { ["Collector:StatePath"] = state };
        try
        {
            await using (var first = new CollectorHarness(db.CollectorConnectionString, settings))
            {
                var finished = first.Collect<long>("odoo.queue_job.finished");
                await first.PollOkAsync("queue_job");
                await db.ExecuteAsync(Done("a", "root") + Failed(3001, "fa", "root"));
                await first.PollOkAsync("queue_job");
                Assert.Equal(1, finished.Sum(("state", "done")));
                Assert.Equal(1, finished.Sum(("state", "failed")));
            }

            // While the collector is down.
            await db.ExecuteAsync(Done("b", "root") + Failed(3002, "fb", "root"));

            await using (var second = new CollectorHarness(db.CollectorConnectionString, settings))
            {
                var finished = second.Collect<long>("odoo.queue_job.finished");
                await second.PollOkAsync("queue_job");
                Assert.Equal(1, finished.Sum(("state", "done")));
                Assert.Equal(1, finished.Sum(("state", "failed")));
            }

            // Without the state file a restart starts from a baseline: nothing recounted, but the gap is not counted either.
            await db.ExecuteAsync(Done("c", "root"));
            await using var third = new CollectorHarness(db.CollectorConnectionString);
            var none = third.Collect<long>("odoo.queue_job.finished");
            await third.PollOkAsync("queue_job");
            Assert.Equal(0, none.Sum());
        }
        finally
        {
            File.Delete(state);
        }
    }

    [Fact]
    public async Task Poll_WithoutJobFailedSubtype_CountsNewlyFailedJobsFromStateChanges()
    {
        var db = await OdooDatabase.CreateAsync(postgres.Server, 16, failedSubtype: false);
        await db.ExecuteAsync(Failed(null, "old", "root"));
        await using var harness = new CollectorHarness(db.CollectorConnectionString);
        var finished = harness.Collect<long>("odoo.queue_job.finished");
        await harness.PollOkAsync("queue_job");
        await db.ExecuteAsync(Failed(null, "new", "root.mail", retry: 5));
        await harness.PollOkAsync("queue_job");
        await harness.PollOkAsync("queue_job");
        Assert.Equal(1, finished.Sum(("channel", "root.mail"), ("state", "failed")));
        Assert.Equal(1, finished.Sum());
    }

    [Fact]
    public async Task Poll_QueueJobNotInstalled_ProbeSkippedOthersRun()
    {
        var db = await OdooDatabase.CreateAsync(postgres.Server, 18, queueJob: false);
        await using var harness = new CollectorHarness(db.CollectorConnectionString);
        var status = await harness.PollAsync("queue_job");
        Assert.Equal("skipped", status.State);
        Assert.Contains("queue_job", status.Reason, StringComparison.Ordinal);
        await harness.PollOkAsync("cron");
        Assert.Equal(18, harness.Status.OdooVersion);
    }

    private static string Done(string uuid, string channel, int retry = 1, double exec = 1, string ago = "0 seconds") =>
        $"""
        INSERT INTO queue_job (uuid, state, channel, date_created, date_enqueued, date_started, date_done, exec_time, retry, exc_info, worker_pid)
        VALUES ('{uuid}', 'done', '{channel}', utcnow() - interval '{ago}' - interval '1 minute',
                date_trunc('second', utcnow() - interval '{ago}') - interval '10 seconds',
                date_trunc('second', utcnow() - interval '{ago}') - interval '8 seconds',
                utcnow() - interval '{ago}', {exec.ToString(System.Globalization.CultureInfo.InvariantCulture)}, {retry}, NULL, 4242);
        """;

    // A failed job as queue_job leaves it: no date_done, exec_time 0, a traceback, and (with the subtype) a dated chatter message.
    private static string Failed(int? id, string uuid, string channel, int retry = 1, string ago = "0 seconds")
    {
        var jobId = id?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "DEFAULT";
        var sql = $"""
            INSERT INTO queue_job (id, uuid, state, channel, date_created, date_enqueued, date_started, exec_time, retry, exc_name, exc_info, worker_pid)
            VALUES ({jobId}, '{uuid}', 'failed', '{channel}', utcnow() - interval '{ago}' - interval '1 minute',
                    date_trunc('second', utcnow() - interval '{ago}') - interval '10 seconds',
                    date_trunc('second', utcnow() - interval '{ago}') - interval '8 seconds', 0, {retry},
                    'odoo.addons.queue_job.exception.FailedJobError', 'Traceback: password=hunter2', 4242);
            """;
        return id is null ? sql : sql + $"""
            INSERT INTO mail_message (model, res_id, subtype_id, message_type, body, date)
            VALUES ('queue.job', {jobId}, 21, 'notification', '<p>Something bad happened</p>', date_trunc('second', utcnow() - interval '{ago}'));
            """;
    }
}
