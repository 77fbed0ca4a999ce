using Microsoft.Extensions.Logging;

namespace OdooLatencyProxy.Collector;

/// <summary>The collector's log lines, with stable event ids (6000-6099).</summary>
internal static partial class CollectorLog
{
    [LoggerMessage(6000, LogLevel.Information, "Odoo collector started with {ProbeCount} probes")]
    public static partial void Started(ILogger logger, int probeCount);

    [LoggerMessage(6001, LogLevel.Warning, "Collector probe {Probe} failed ({Failures} in a row, next attempt in {Delay}): {Reason}")]
    public static partial void ProbeFailed(ILogger logger, string probe, int failures, TimeSpan delay, string reason);

    [LoggerMessage(6002, LogLevel.Information, "Collector probe {Probe} recovered after {Failures} failed polls")]
    public static partial void ProbeRecovered(ILogger logger, string probe, int failures);

    [LoggerMessage(6003, LogLevel.Information, "Collector probe {Probe} skipped: {Reason}")]
    public static partial void ProbeSkipped(ILogger logger, string probe, string reason);

    [LoggerMessage(6004, LogLevel.Information, "Odoo log {Path} was rotated or truncated; reading the new file from its start")]
    public static partial void LogRotated(ILogger logger, string path);

    [LoggerMessage(6005, LogLevel.Warning, "Collector state file {Path} could not be written: {Reason}")]
    public static partial void StateWriteFailed(ILogger logger, string path, string reason);
}
