namespace OdooLatencyProxy.Odoo.Logs;

/// <summary>
/// What Odoo's werkzeug access line says one request cost: the worker process that served it, the number of SQL
/// queries, the time spent in SQL, and the remaining (mostly Python) time.
/// </summary>
public sealed record OdooRequestCost(int WorkerPid, int QueryCount, TimeSpan SqlTime, TimeSpan PythonTime);
