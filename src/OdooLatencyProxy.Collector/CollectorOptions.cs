namespace OdooLatencyProxy.Collector;

/// <summary>Settings of the database collector (configuration section <c>Collector</c>); it runs only when <see cref="ConnectionString"/> is set.</summary>
internal sealed record CollectorOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "Collector";

    /// <summary>Npgsql connection string of Odoo's database, for the collector's read-only role. Default: none (collector off).</summary>
    public string? ConnectionString { get; init; }

    /// <summary>File holding the database password (a Kubernetes secret), read at start-up with its trailing newline trimmed; it wins over a password in <see cref="ConnectionString"/>. Default: none (then Npgsql's PGPASSWORD or ~/.pgpass apply).</summary>
    public string? PasswordFile { get; init; }

    /// <summary>Odoo's log file, followed for cron failures and successes (16/17 log them nowhere else) and for the access lines the proxy joins to its requests (read even without a database). Default: none.</summary>
    public string? LogPath { get; init; }

    /// <summary>File that keeps the collector's watermarks across restarts, so events are neither recounted nor missed. Default: none (count from start-up on).</summary>
    public string? StatePath { get; init; }

    /// <summary>Server-side <c>statement_timeout</c> of every collector query. Default: 5 s.</summary>
    public TimeSpan StatementTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Time allowed to open a connection. Default: 5 s.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Polling interval of the queue_job probe. Default: 15 s.</summary>
    public TimeSpan QueueJobInterval { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Polling interval of the ir_cron probe. Default: 60 s.</summary>
    public TimeSpan CronInterval { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How often the Odoo log file is read. Default: 2 s.</summary>
    public TimeSpan LogInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Polling interval of the sale order confirmation probe. Default: 30 s.</summary>
    public TimeSpan SaleOrderInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Polling interval of the payment transaction probe. Default: 30 s.</summary>
    public TimeSpan PaymentInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Polling interval of the connection count probe. Default: 15 s.</summary>
    public TimeSpan ConnectionsInterval { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Polling interval of the pg_stat_statements probe; its top N is "per interval". Default: 60 s.</summary>
    public TimeSpan StatementsInterval { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Polling interval of the pg_stat_activity probe; a statement shorter than this may fall between two samples. Default: 2 s (the default slow-request threshold).</summary>
    public TimeSpan ActivityInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How long the detected Odoo version, modules and columns are trusted before they are read again. Default: 5 min.</summary>
    public TimeSpan SchemaRefreshInterval { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Time between two readings of the server actions' ids, XML ids and names (request naming). Default 5 minutes.</summary>
    public TimeSpan ServerActionInterval { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Longest wait between two attempts of a failing probe (the wait doubles from its interval). Default: 5 min.</summary>
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How far back each poll looks again for rows committed after the previous poll but dated before it. Default: 2 min.</summary>
    public TimeSpan CommitMargin { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>With a state file, the longest downtime whose events are still counted after a restart. Default: 24 h.</summary>
    public TimeSpan MaxCatchUp { get; init; } = TimeSpan.FromHours(24);

    /// <summary>How many statements the pg_stat_statements top list keeps per interval. Default: 10.</summary>
    public int TopStatements { get; init; } = 10;

    /// <summary>How many transactions/queries the pg_stat_activity list keeps. Default: 10.</summary>
    public int TopActivity { get; init; } = 10;

    /// <summary>How many distinct active statements the pg_stat_activity history remembers (slow-request forensics). Default: 1000.</summary>
    public int ActivityHistory { get; init; } = 1000;

    /// <summary>Longest statement text published after literals are removed. Default: 200 characters.</summary>
    public int MaxQueryTextLength { get; init; } = 200;

    /// <summary>A statement whose mean time over an interval reaches this counts its calls as slow. Default: 1 s.</summary>
    public TimeSpan SlowStatementThreshold { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>queue_job channel (or parent channel) to integration name, e.g. <c>root.edi</c> = <c>edi</c>. Default: none.</summary>
    public IReadOnlyDictionary<string, string> IntegrationChannels { get; init; } = new Dictionary<string, string>();

    /// <summary>True when a connection string is configured.</summary>
    public bool Enabled => !string.IsNullOrWhiteSpace(ConnectionString);
}
