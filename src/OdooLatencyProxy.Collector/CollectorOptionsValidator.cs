using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;
using Npgsql;

namespace OdooLatencyProxy.Collector;

/// <summary>Checks the <c>Collector</c> section, reporting every setting at fault as <c>Collector:Key: problem</c>.</summary>
internal sealed class CollectorOptionsValidator : IValidateOptions<CollectorOptions>
{
    public ValidateOptionsResult Validate(string? name, CollectorOptions options)
    {
        var errors = new List<string>();
        void Fail(string property, string problem) => errors.Add($"{CollectorOptions.SectionName}:{property}: {problem}");

        // Every interval, timeout and count must be positive: a zero would spin a probe or disable a bound silently.
        foreach (var (property, value) in new (string, TimeSpan)[]
        {
            (nameof(options.StatementTimeout), options.StatementTimeout), (nameof(options.ConnectTimeout), options.ConnectTimeout),
            (nameof(options.QueueJobInterval), options.QueueJobInterval), (nameof(options.CronInterval), options.CronInterval),
            (nameof(options.LogInterval), options.LogInterval), (nameof(options.SaleOrderInterval), options.SaleOrderInterval),
            (nameof(options.PaymentInterval), options.PaymentInterval), (nameof(options.ConnectionsInterval), options.ConnectionsInterval),
            (nameof(options.StatementsInterval), options.StatementsInterval), (nameof(options.ActivityInterval), options.ActivityInterval),
            (nameof(options.SchemaRefreshInterval), options.SchemaRefreshInterval), (nameof(options.ServerActionInterval), options.ServerActionInterval),
            (nameof(options.MaxBackoff), options.MaxBackoff), (nameof(options.CommitMargin), options.CommitMargin),
            (nameof(options.MaxCatchUp), options.MaxCatchUp), (nameof(options.SlowStatementThreshold), options.SlowStatementThreshold),
        })
        {
            if (value <= TimeSpan.Zero) Fail(property, $"must be positive, got {value}");
        }
        foreach (var (property, value) in new (string, int)[]
        {
            (nameof(options.TopStatements), options.TopStatements), (nameof(options.TopActivity), options.TopActivity),
            (nameof(options.MaxQueryTextLength), options.MaxQueryTextLength), (nameof(options.ActivityHistory), options.ActivityHistory),
        })
        {
            if (value <= 0) Fail(property, $"must be positive, got {value}");
        }

        if (options.ConnectionString is { Length: > 0 } connection && ConnectionStringProblem(connection) is { } connectionProblem)
        {
            Fail(nameof(options.ConnectionString), connectionProblem);
        }
        if (options.PasswordFile is { Length: > 0 } passwordFile && Unreadable(passwordFile) is { } passwordProblem)
        {
            Fail(nameof(options.PasswordFile), passwordProblem);
        }
        // A log that is not there at start-up is a typo far more often than a file Odoo has yet to create.
        if (options.LogPath is { Length: > 0 } log && Unreadable(log) is { } logProblem)
        {
            Fail(nameof(options.LogPath), logProblem);
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static string? Unreadable(string path)
    {
        if (!File.Exists(path)) return $"file '{path}' does not exist";
        try
        {
            using var _ = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            return null;
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            return $"file '{path}' cannot be read: {e.Message}";
        }
    }

    // Its own method, never inlined: compiling Validate must not load Npgsql when no database is configured.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static string? ConnectionStringProblem(string connection)
    {
        try
        {
            _ = new NpgsqlConnectionStringBuilder(connection);
            return null;
        }
        catch (ArgumentException e)
        {
            // The message names the bad keyword, never the password.
            return e.Message;
        }
    }
}
