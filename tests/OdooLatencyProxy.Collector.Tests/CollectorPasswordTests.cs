using Npgsql;

namespace OdooLatencyProxy.Tests.Collector;

/// <summary>The collector's password kept out of the command line: from a file (Kubernetes secret) or PGPASSWORD.</summary>
public sealed class CollectorPasswordTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Poll_PasswordFromFileWithTrailingNewline_Connects()
    {
        var db = await OdooDatabase.CreateAsync(postgres.Server, 17);
        var file = Path.Combine(Path.GetTempPath(), $"olp-password-{Guid.NewGuid():N}");
        await File.WriteAllTextAsync(file, PostgresServer.CollectorPassword + "\n", TestContext.Current.CancellationToken);
        try
        {
            await using var harness = new CollectorHarness(WithoutPassword(db.CollectorConnectionString), new Dictionary<string, string?> { ["Collector:PasswordFile"] = file });

            await harness.PollOkAsync("db_connections");
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Poll_NoPasswordAnywhere_FailsToConnect()
    {
        var db = await OdooDatabase.CreateAsync(postgres.Server, 17);
        await using var harness = new CollectorHarness(WithoutPassword(db.CollectorConnectionString) + ";Passfile=/nonexistent");

        var status = await harness.PollAsync("db_connections");

        Assert.Equal("error", status.State);
    }

    // Npgsql itself reads PGPASSWORD when the connection string has none (no code of ours is involved: this pins it).
    [Fact]
    public async Task Poll_PasswordFromPgpassword_Connects()
    {
        var db = await OdooDatabase.CreateAsync(postgres.Server, 17);
        var before = Environment.GetEnvironmentVariable("PGPASSWORD");
        Environment.SetEnvironmentVariable("PGPASSWORD", PostgresServer.CollectorPassword);
        try
        {
            await using var harness = new CollectorHarness(WithoutPassword(db.CollectorConnectionString));

            await harness.PollOkAsync("db_connections");
        }
        finally
        {
            Environment.SetEnvironmentVariable("PGPASSWORD", before);
        }
    }

    private static string WithoutPassword(string connectionString) =>
        new NpgsqlConnectionStringBuilder(connectionString) { Password = null }.ConnectionString;
}
