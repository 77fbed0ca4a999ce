using OdooLatencyProxy.Odoo.Logs;

namespace OdooLatencyProxy.Collector;

/// <summary>Takes what <see cref="OdooLogTail"/> read from Odoo's log (cron events, access lines...).</summary>
public interface IOdooLogReader
{
    /// <summary>
    /// Called after every read of the log, on the tail's thread, with the records read (often none) and why the file
    /// cannot be read now (null when it can). Must not throw and must not block.
    /// </summary>
    void Read(IReadOnlyList<OdooLogLine> lines, string? problem);
}
