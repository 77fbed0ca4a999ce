using OdooLatencyProxy.Odoo.Classification;

namespace OdooSimulator;

/// <summary>The operation names the simulator has latency defaults for (the shared catalog's names); keys of latency profiles, error rates and stats.</summary>
public static class SimOperations
{
    /// <summary>Confirming a sale order (<c>sale.order</c> <c>action_confirm</c>).</summary>
    public const string SaleOrderConfirm = OperationNames.SaleOrderConfirm;

    /// <summary>Posting an invoice (<c>account.move</c> <c>action_post</c>).</summary>
    public const string InvoicePost = OperationNames.InvoicePost;

    /// <summary>Creating invoices from orders (<c>sale.advance.payment.inv</c> <c>create_invoices</c>).</summary>
    public const string InvoiceCreate = OperationNames.InvoiceCreate;

    /// <summary>Reads from the web client or RPC (<c>web_read</c>, <c>search_read</c>, <c>name_search</c>, ...).</summary>
    public const string UiRead = OperationNames.UiRead;

    /// <summary>Writes from the web client or RPC (<c>web_save</c>, <c>create</c>, <c>write</c>, <c>onchange</c>, other buttons, ...).</summary>
    public const string UiWrite = OperationNames.UiWrite;

    /// <summary>Logging in (<c>/web/login</c> POST, <c>/web/session/authenticate</c>, RPC <c>login</c>/<c>authenticate</c>).</summary>
    public const string AuthLogin = OperationNames.AuthLogin;

    /// <summary>Static files and asset bundles.</summary>
    public const string Static = OperationNames.Static;

    /// <summary><c>/web/health</c>.</summary>
    public const string Health = OperationNames.Health;

    /// <summary>Report rendering (<c>/report/*</c>).</summary>
    public const string ReportRender = OperationNames.ReportRender;

    /// <summary>An OCA queue_job run (<c>/queue_job/runjob</c>), which occupies an HTTP worker.</summary>
    public const string QueueJobRun = OperationNames.QueueJobRun;

    /// <summary>Everything else.</summary>
    public const string Other = OperationNames.Other;
}
