using System.Net;
using System.Net.Sockets;
using System.Text;
using OdooLatencyProxy.Odoo.Logs;
using OdooSimulator.Http;

namespace OdooSimulator.Prefork;

/// <summary>
/// Writes an Odoo 17 werkzeug access line per answered request to <see cref="SimulatorOptions.AccessLogPath"/>, when
/// the status line is sent (as werkzeug does), with made-up but deterministic figures: 40 % of the request's simulated
/// time in SQL, the rest in Python, and one query per 2 ms of it (at least 3). With <c>X-Forwarded-Host</c> the address
/// is the last <c>X-Forwarded-For</c> hop, as Odoo's proxy_mode logs it. Worker <c>n</c> logs as pid 10000 + n.
/// </summary>
internal sealed class AccessLogWriter(string path, string database, TimeProvider time) : IDisposable
{
    private readonly FileStream _file = new(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
    private readonly Lock _lock = new();

    public void Write(Socket client, SimRequest request, int status, int worker, TimeSpan simulated)
    {
        var target = request.Query.Length > 0 ? request.Path + "?" + request.Query : request.Path;
        var pid = 10_000 + worker;
        var cost = new OdooRequestCost(pid, Math.Max(3, (int)(simulated.TotalMilliseconds / 2)), simulated * 0.4, simulated * 0.6);
        var line = OdooAccessLine.Format(time.GetUtcNow().UtcDateTime, database, Client(client, request), request.Method, target, status, pid, cost) + "\n";
        var bytes = Encoding.UTF8.GetBytes(line);
        lock (_lock)
        {
            _file.Write(bytes);
            _file.Flush();
        }
    }

    public void Dispose() => _file.Dispose();

    private static string Client(Socket client, SimRequest request)
    {
        if (request.Header("X-Forwarded-Host") is not null && request.Header("X-Forwarded-For") is { } forwarded)
        {
            return forwarded.Split(',')[^1].Trim();
        }
        return (client.RemoteEndPoint as IPEndPoint)?.Address.ToString() ?? "-";
    }
}
