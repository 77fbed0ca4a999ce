namespace OdooSimulator;

/// <summary>Operation names the simulator classifies requests into; keys of latency profiles, error rates and stats.</summary>
public static class SimOperations
{
    /// <summary>Confirming a sale order (<c>sale.order</c> <c>action_confirm</c>).</summary>
    public const string SaleOrderConfirm = "sale_order.confirm";

    /// <summary>Posting an invoice (<c>account.move</c> <c>action_post</c>).</summary>
    public const string InvoicePost = "invoice.post";

    /// <summary>Creating invoices from orders (<c>sale.advance.payment.inv</c> <c>create_invoices</c>).</summary>
    public const string InvoiceCreate = "invoice.create";

    /// <summary>Reads from the web client or RPC (<c>web_read</c>, <c>search_read</c>, <c>name_search</c>, ...).</summary>
    public const string UiRead = "ui.read";

    /// <summary>Writes from the web client or RPC (<c>web_save</c>, <c>create</c>, <c>write</c>, <c>onchange</c>, other buttons, ...).</summary>
    public const string UiWrite = "ui.write";

    /// <summary>Logging in (<c>/web/login</c> POST, <c>/web/session/authenticate</c>, RPC <c>login</c>/<c>authenticate</c>).</summary>
    public const string AuthLogin = "auth.login";

    /// <summary>Static files and asset bundles.</summary>
    public const string Static = "static";

    /// <summary><c>/web/health</c>.</summary>
    public const string Health = "health";

    /// <summary>Report rendering (<c>/report/*</c>).</summary>
    public const string ReportRender = "report.render";

    /// <summary>An OCA queue_job run (<c>/queue_job/runjob</c>), which occupies an HTTP worker.</summary>
    public const string QueueJobRun = "queue_job.run";

    /// <summary>Everything else.</summary>
    public const string Other = "other";
}
