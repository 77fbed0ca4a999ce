namespace OdooLatencyProxy.Collector;

/// <summary>One independently scheduled reading of the database (or the Odoo log); a failure stays inside it.</summary>
internal interface ICollectorProbe
{
    /// <summary>Stable name used in logs, <c>odoo.collector.errors{probe}</c> and the status API.</summary>
    string Name { get; }

    /// <summary>Time between two polls.</summary>
    TimeSpan Interval { get; }

    /// <summary>Reads once and publishes; returns a reason when the probe has nothing to read here (module not installed, ...).</summary>
    Task<string?> PollAsync(ProbeContext context, CancellationToken cancellationToken);

    /// <summary>Called after a failed poll: gauges must not keep reporting stale values.</summary>
    void Clear();
}
