using OdooLatencyProxy.Configuration;
using OdooLatencyProxy.Odoo.Logs;
using OdooLatencyProxy.RequestPath;

namespace OdooLatencyProxy.Telemetry;

/// <summary>
/// Where Odoo's time goes per operation, from the access lines joined to exchanges: SQL time, Python (remaining) time
/// and query count, each in exact sliding windows (<see cref="LatencyWindows"/>) and in the OTel histograms of
/// <see cref="OdooMeter"/>.
/// </summary>
internal sealed class CostWindows : IOdooCostListener, IDisposable
{
    private readonly OdooMeter _meter;

    public CostWindows(OdooMeter meter, TimeProvider time, TelemetryOptions options)
    {
        _meter = meter;
        Sql = new LatencyWindows(time, options.LatencyInterval);
        Python = new LatencyWindows(time, options.LatencyInterval);
        Queries = new LatencyWindows(time, options.LatencyInterval, valuesPerUnit: 1);
        meter.ObserveCosts(this);
    }

    /// <summary>SQL time per operation (seconds).</summary>
    public LatencyWindows Sql { get; }

    /// <summary>Python (remaining) time per operation (seconds).</summary>
    public LatencyWindows Python { get; }

    /// <summary>SQL queries per request, per operation.</summary>
    public LatencyWindows Queries { get; }

    public void CostJoined(ProxyExchange exchange, OdooRequestCost cost)
    {
        Sql.RecordValue(exchange.Operation, (long)(cost.SqlTime.TotalMicroseconds));
        Python.RecordValue(exchange.Operation, (long)(cost.PythonTime.TotalMicroseconds));
        Queries.RecordValue(exchange.Operation, cost.QueryCount);
        _meter.CostJoined(exchange, cost);
    }

    public void Dispose()
    {
        Sql.Dispose();
        Python.Dispose();
        Queries.Dispose();
    }
}
