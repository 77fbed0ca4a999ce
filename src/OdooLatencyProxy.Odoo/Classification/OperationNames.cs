namespace OdooLatencyProxy.Odoo.Classification;

/// <summary>Built-in operation names (the values of <c>odoo.operation</c>); see docs/classification.md.</summary>
public static class OperationNames
{
    /// <summary>Confirming a quotation into a sale order.</summary>
    public const string SaleOrderConfirm = "sale_order.confirm";
    /// <summary>Cancelling a sale order.</summary>
    public const string SaleOrderCancel = "sale_order.cancel";
    /// <summary>Creating invoices from sale orders (the "Create invoice" wizard).</summary>
    public const string InvoiceCreate = "invoice.create";
    /// <summary>Posting (confirming) an invoice or journal entry.</summary>
    public const string InvoicePost = "invoice.post";
    /// <summary>Cancelling an invoice or journal entry.</summary>
    public const string InvoiceCancel = "invoice.cancel";
    /// <summary>Registering a payment (the "Register payment" wizard).</summary>
    public const string PaymentRegister = "payment.register";
    /// <summary>Validating a transfer (delivery, receipt).</summary>
    public const string PickingValidate = "picking.validate";
    /// <summary>Confirming a purchase order.</summary>
    public const string PurchaseOrderConfirm = "purchase_order.confirm";
    /// <summary>Marking a manufacturing order as done.</summary>
    public const string ProductionDone = "production.done";
    /// <summary>A customer accepting (signing) a quotation in the portal.</summary>
    public const string QuoteAccept = "quote.accept";
    /// <summary>The e-commerce checkout steps (address, confirm, payment).</summary>
    public const string ShopCheckout = "shop.checkout";
    /// <summary>E-commerce cart updates.</summary>
    public const string ShopCart = "shop.cart";
    /// <summary>E-commerce catalog pages.</summary>
    public const string ShopBrowse = "shop.browse";
    /// <summary>Payment provider callbacks (webhook, notification, return).</summary>
    public const string PaymentWebhook = "payment.webhook";
    /// <summary>Rendering a report (PDF, HTML, text).</summary>
    public const string ReportRender = "report.render";
    /// <summary>Odoo's own PDF renderer (wkhtmltopdf) fetching a report's stylesheets and images while a worker renders it.</summary>
    public const string ReportAssets = "report.assets";
    /// <summary>Logging in (the form POST or session/authenticate).</summary>
    public const string AuthLogin = "auth.login";
    /// <summary>Logging out.</summary>
    public const string AuthLogout = "auth.logout";
    /// <summary>Loading the web client: pages, menus, translations, session info.</summary>
    public const string UiBootstrap = "ui.bootstrap";
    /// <summary>Search, read and list calls of the web client.</summary>
    public const string UiRead = "ui.read";
    /// <summary>Save, create, write, onchange and delete calls of the web client.</summary>
    public const string UiWrite = "ui.write";
    /// <summary>Images, attachments and binary content.</summary>
    public const string FileDownload = "file.download";
    /// <summary>Attachment uploads.</summary>
    public const string FileUpload = "file.upload";
    /// <summary>List exports (xlsx, csv).</summary>
    public const string FileExport = "file.export";
    /// <summary>Static files and asset bundles.</summary>
    public const string Static = "static";
    /// <summary>Discuss and chatter routes (<c>/mail/*</c>, <c>/discuss/*</c>).</summary>
    public const string Mail = "mail";
    /// <summary>Customer portal pages (<c>/my/*</c>).</summary>
    public const string Portal = "portal";
    /// <summary>Websocket and long polling; counted, never timed.</summary>
    public const string Realtime = "realtime";
    /// <summary>OCA queue_job runner calls.</summary>
    public const string QueueJobRun = "queue_job.run";
    /// <summary>Odoo's health route.</summary>
    public const string Health = "health";
    /// <summary>The database manager (<c>/web/database/*</c>); should never be public.</summary>
    public const string DatabaseManager = "database.manager";
    /// <summary>External RPC (XML-RPC, JSON-RPC, JSON-2) that matched nothing more precise.</summary>
    public const string Api = "api";
    /// <summary>An RPC whose model and method are unknown or beyond the name budget.</summary>
    public const string RpcOther = "rpc:other";
    /// <summary>Anything else.</summary>
    public const string Other = "other";
    /// <summary>Prefix of budgeted names for unknown model/method pairs: <c>rpc:&lt;model&gt;.&lt;method&gt;</c>.</summary>
    public const string RpcPrefix = "rpc:";
}
