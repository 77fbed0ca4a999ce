namespace OdooLatencyProxy.SlowRequests;

/// <summary>What Odoo's access line said a slow request cost: the worker process, SQL queries, SQL and Python time (s).</summary>
internal sealed record SlowRequestCost(int WorkerPid, int QueryCount, double SqlSeconds, double PythonSeconds);
