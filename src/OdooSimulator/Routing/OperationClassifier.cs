using OdooLatencyProxy.Odoo;

namespace OdooSimulator.Routing;

/// <summary>
/// The one place that names the operation of a request (latency profile, error rate, stats key).
/// Deliberately small: the shared classifier in OdooLatencyProxy.Odoo will replace it.
/// </summary>
internal static class OperationClassifier
{
    private static readonly HashSet<string> ReadMethods = new(StringComparer.Ordinal)
    {
        "read", "web_read", "search_read", "web_search_read", "search", "search_count", "name_search",
        "name_get", "read_group", "web_read_group", "fields_get", "get_views", "load_views", "default_get",
        "has_group", "check_access_rights", "check_access", "read_progress_bar", "search_fetch", "systray_get_activities",
        "version", "list", "server_version", "about", "load",
    };

    public static string Classify(string httpMethod, string path, RpcCall? call)
    {
        if (path == OdooWire.HealthPath)
        {
            return SimOperations.Health;
        }

        if (path.StartsWith("/web/assets/", StringComparison.Ordinal) || path.Contains("/static/", StringComparison.Ordinal))
        {
            return SimOperations.Static;
        }

        if (path.StartsWith("/report/", StringComparison.Ordinal))
        {
            return SimOperations.ReportRender;
        }

        if (path.StartsWith("/queue_job/runjob", StringComparison.Ordinal))
        {
            return SimOperations.QueueJobRun;
        }

        if (path == "/web/session/authenticate" || (path == "/web/login" && httpMethod == "POST"))
        {
            return SimOperations.AuthLogin;
        }

        return call switch
        {
            null => SimOperations.Other,
            { Service: "common", Method: "login" or "authenticate" } => SimOperations.AuthLogin,
            { Model: "sale.order", Method: "action_confirm" } => SimOperations.SaleOrderConfirm,
            { Model: "account.move", Method: "action_post" } => SimOperations.InvoicePost,
            { Model: "sale.advance.payment.inv", Method: "create_invoices" } => SimOperations.InvoiceCreate,
            _ when ReadMethods.Contains(call.Method) => SimOperations.UiRead,
            { Service: "object" } => SimOperations.UiWrite,
            _ => SimOperations.Other,
        };
    }
}
