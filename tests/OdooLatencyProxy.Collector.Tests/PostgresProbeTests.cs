using Npgsql;
using Microsoft.Extensions.DependencyInjection;
using OdooLatencyProxy.Collector;

namespace OdooLatencyProxy.Tests.Collector;

public sealed class PostgresProbeTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Statements_OneStatementRunThousandTimes_TopsTheIntervalWithItsCallCount()
    {
        var db = await OdooDatabase.CreateAsync(postgres.Server, 17);
        await using var harness = new CollectorHarness(db.CollectorConnectionString);
        var calls = harness.Collect<long>("odoo.db.statement.top.calls");
        await harness.PollOkAsync("db_statements");

        await using (var conn = new NpgsqlConnection(postgres.Server.AdminConnectionString(db.Name)))
        {
            await conn.OpenAsync(TestContext.Current.CancellationToken);
            await using var cmd = new NpgsqlCommand("SELECT count(*) FROM generate_series(1, 20000) WHERE 42 = 42", conn);
            for (var i = 0; i < 1000; i++)
            {
                await cmd.ExecuteScalarAsync(TestContext.Current.CancellationToken);
            }
        }

        await harness.PollOkAsync("db_statements");
        var top = harness.Status.Statements!.Items[0];
        Assert.Equal(1000, top.Calls);
        Assert.Equal(1, top.Rank);
        Assert.Contains("generate_series", top.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("20000", top.Text, StringComparison.Ordinal);
        Assert.True(top.TotalSeconds > 0 && top.MeanSeconds > 0);
        Assert.Equal(1000, calls.Gauge(("rank", "1")));
    }

    [Fact]
    public async Task Activity_OdooTransactionLeftOpen_ListedWithAgeAndNoLiterals()
    {
        var db = await OdooDatabase.CreateAsync(postgres.Server, 17);
        await using var odoo = new NpgsqlConnection(postgres.Server.AdminConnectionString(db.Name) + ";Application Name=odoo-4242");
        await odoo.OpenAsync(TestContext.Current.CancellationToken);
        await using var tx = await odoo.BeginTransactionAsync(TestContext.Current.CancellationToken);
        await using (var cmd = new NpgsqlCommand("SELECT 'token-s3cr3t' AS t, 12345 AS n", odoo, tx))
        {
            await cmd.ExecuteScalarAsync(TestContext.Current.CancellationToken);
        }

        await using var harness = new CollectorHarness(db.CollectorConnectionString);
        var oldest = harness.Collect<double>("odoo.db.transaction.oldest.age");
        var connections = harness.Collect<long>("odoo.db.connections");
        var max = harness.Collect<long>("odoo.db.connections.max");
        await harness.PollOkAsync("db_activity");
        await harness.PollOkAsync("db_connections");

        var entry = Assert.Single(harness.Status.Activity!.Items, i => i.ApplicationName == "odoo-4242");
        Assert.Equal("idle in transaction", entry.State);
        Assert.Equal("SELECT ? AS t, ? AS n", entry.Query);
        Assert.NotNull(entry.TransactionAgeSeconds);
        Assert.NotNull(oldest.Gauge());
        Assert.Equal(1, connections.Gauge(("state", "idle in transaction"), ("client", "odoo")));
        Assert.Equal(100, max.Gauge());
    }

    [Fact]
    public async Task ActivityHistory_PgSleepInAnotherConnection_SeenWithItsSpan_EvenBehindOlderTransactions()
    {
        var ct = TestContext.Current.CancellationToken;
        var db = await OdooDatabase.CreateAsync(postgres.Server, 17);
        // Two transactions older than the statement fill the TopActivity list (1): the history must still see the statement.
        await using var idle1 = await IdleInTransactionAsync(db, ct);
        await using var idle2 = await IdleInTransactionAsync(db, ct);
        await using var harness = new CollectorHarness(db.CollectorConnectionString, new Dictionary<string, string?> { ["Collector:TopActivity"] = "1" });
        var history = harness.Services.GetRequiredService<ActivityHistory>();
        await using var odoo = new NpgsqlConnection(postgres.Server.AdminConnectionString(db.Name) + ";Application Name=odoo-4343");
        await odoo.OpenAsync(ct);

        var before = DateTimeOffset.UtcNow;
        await using var cmd = new NpgsqlCommand("SELECT pg_sleep(1.5), 'token-s3cr3t'", odoo);
        var sleep = cmd.ExecuteScalarAsync(ct);
        await Wait.UntilAsync(async () =>
        {
            await harness.PollOkAsync("db_activity");
            return history.All().Any(s => s.Pid == odoo.ProcessID);
        }, "the sleeping statement is sampled");
        await harness.PollOkAsync("db_activity");
        await sleep;
        var after = DateTimeOffset.UtcNow;
        await harness.PollOkAsync("db_activity");

        Assert.Single(harness.Status.Activity!.Items);
        var statement = Assert.Single(history.All(), s => s.Pid == odoo.ProcessID);
        Assert.Equal("SELECT pg_sleep(?), ?", statement.Query);
        Assert.Equal("odoo-4343", statement.ApplicationName);
        // Its span: from PostgreSQL's query_start (on our clock) to the last sample that saw it, within the sleep.
        Assert.InRange(statement.QueryStart, before - TimeSpan.FromMilliseconds(250), statement.FirstSeen);
        Assert.True(statement.LastSeen > statement.FirstSeen, $"seen from {statement.FirstSeen:O} to {statement.LastSeen:O}");
        Assert.InRange(statement.LastSeen, statement.FirstSeen, after);
        Assert.Equal(("Timeout", "PgSleep"), (statement.WaitEventType, statement.WaitEvent));
        Assert.Contains(statement, history.Overlapping(before, before + TimeSpan.FromMilliseconds(100)));
        Assert.DoesNotContain(statement, history.Overlapping(after + TimeSpan.FromSeconds(1), after + TimeSpan.FromSeconds(2)));
        Assert.DoesNotContain(history.All(), s => s.Query.Contains("s3cr3t", StringComparison.Ordinal));
        Assert.Equal(history.LastSampleAt, harness.Status.Activity.CollectedAt);
    }

    private static async Task<NpgsqlConnection> IdleInTransactionAsync(OdooDatabase db, CancellationToken ct)
    {
        var conn = new NpgsqlConnection(db.Server.AdminConnectionString(db.Name) + ";Application Name=odoo-idle");
        await conn.OpenAsync(ct);
        await using var cmd = new NpgsqlCommand("BEGIN; SELECT 1", conn);
        await cmd.ExecuteNonQueryAsync(ct);
        return conn;
    }

    [Fact]
    public async Task ReadOnlyRole_WriteAttempts_Fail()
    {
        var db = await OdooDatabase.CreateAsync(postgres.Server, 17);
        // Through the collector's own pool: the session is read-only.
        await using (var source = CollectorServiceCollectionExtensions.CreateDataSource(new CollectorOptions { ConnectionString = db.CollectorConnectionString }))
        {
            await using var cmd = source.CreateCommand("INSERT INTO sale_order (name) VALUES ('x')");
            var readOnly = await Assert.ThrowsAsync<PostgresException>(() => cmd.ExecuteNonQueryAsync(TestContext.Current.CancellationToken));
            Assert.Equal(PostgresErrorCodes.ReadOnlySqlTransaction, readOnly.SqlState);
        }

        // And the role itself, even in a writable session, has no write privilege nor access to secrets.
        await using var conn = new NpgsqlConnection(db.CollectorConnectionString);
        await conn.OpenAsync(TestContext.Current.CancellationToken);
        foreach (var sql in new[]
        {
            "INSERT INTO sale_order (name) VALUES ('x')",
            "UPDATE queue_job SET state = 'done'",
            "DELETE FROM ir_cron",
            "CREATE TABLE collector_was_here (id int)",
            "SELECT exc_info FROM queue_job",
            "SELECT body FROM mail_message",
            "SELECT stripe_secret_key FROM payment_provider",
        })
        {
            await using var cmd = new NpgsqlCommand(sql, conn);
            var denied = await Assert.ThrowsAsync<PostgresException>(() => cmd.ExecuteNonQueryAsync(TestContext.Current.CancellationToken));
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, denied.SqlState);
        }
    }

    [Theory]
    [InlineData(16)]
    [InlineData(17)]
    [InlineData(18)]
    public async Task Schema_OdooVersionAndModules_Detected(int version)
    {
        var db = await OdooDatabase.CreateAsync(postgres.Server, version);
        await using var conn = new NpgsqlConnection(db.CollectorConnectionString);
        await conn.OpenAsync(TestContext.Current.CancellationToken);
        var schema = await OdooSchema.ReadAsync(conn, TestContext.Current.CancellationToken);
        Assert.Equal(version, schema.MajorVersion);
        Assert.Contains("queue_job", schema.Modules);
        Assert.DoesNotContain("website", schema.Modules);
        Assert.Equal("public", schema.StatStatementsSchema);
        Assert.False(schema.Has("queue_job", "exc_info"));
        Assert.Equal(version >= 18, schema.Has("ir_cron", "failure_count"));
    }
}
