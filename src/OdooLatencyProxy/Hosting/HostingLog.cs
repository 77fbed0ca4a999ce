namespace OdooLatencyProxy.Hosting;

/// <summary>The host's own log lines, with stable event ids (1950-1959).</summary>
internal static partial class HostingLog
{
    [LoggerMessage(EventId = 1950, Level = LogLevel.Warning, Message = "--odoo-db carries a password, which every user of this machine can read in the process list: give it with --odoo-db-password-file or PGPASSWORD instead")]
    public static partial void PasswordOnCommandLine(ILogger logger);
}
