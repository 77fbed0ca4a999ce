using System.Collections.Frozen;
using static OdooLatencyProxy.Odoo.Classification.OperationNames;

namespace OdooLatencyProxy.Odoo.Classification;

/// <summary>Odoo's route table and business catalog (Odoo 16-19), the one place the proxy, simulator and harness read it from.</summary>
public static class OdooCatalog
{
    /// <summary>Every route family the classifier knows, for Odoo 16, 17, 18 and 19 URL forms.</summary>
    public static IReadOnlyList<OdooRoute> Routes { get; } =
    [
        // Web client shell and bootstrap data.
        new(null, "/", UiBootstrap),
        new(null, "/web", UiBootstrap),
        new(null, "/odoo", UiBootstrap),                  // 18+: the web client lives under /odoo
        new(null, "/odoo/**", UiBootstrap),
        new(null, "/web/webclient/**", UiBootstrap),      // load_menus, translations, version_info
        new(null, "/website/translations/**", UiBootstrap),
        new(null, "/web/session/get_session_info", UiBootstrap),
        new(null, "/web/session/check", UiBootstrap),
        new(null, "/web/offline", UiBootstrap),
        new(null, "/web/action/load", UiRead),
        new(null, "/onboarding/**", UiRead),

        // Authentication. GET /web/login only renders the form; the POST checks the password.
        new("POST", "/web/login", AuthLogin),
        new(null, "/web/login", UiBootstrap),
        new("POST", "/web/login/**", AuthLogin),          // e.g. /web/login/totp
        new(null, "/web/session/authenticate", AuthLogin),
        new(null, "/web/session/logout", AuthLogout),
        new(null, "/web/session/destroy", AuthLogout),

        // Static files and asset bundles.
        new(null, "/web/assets/**", Static),
        new(null, "/web/static/**", Static),
        new(null, "/*/static/**", Static),                // /<module>/static/...
        new(null, "/web/bundle/**", Static),
        new(null, "/web/service-worker.js", Static),
        new(null, "/web/manifest.webmanifest", Static),
        new(null, "/bus/websocket_worker_bundle", Static),
        new(null, "/favicon.ico", Static),

        // Realtime (gevent port): counted, never timed.
        new(null, "/websocket", Realtime),
        new(null, "/websocket/**", Realtime),
        new(null, "/longpolling/**", Realtime),

        new(null, OdooWire.HealthPath, Health),
        new(null, "/queue_job/runjob", QueueJobRun),
        new(null, "/web/database/**", DatabaseManager),

        // Files.
        new(null, "/web/image", FileDownload),
        new(null, "/web/image/**", FileDownload),
        new(null, "/web/content", FileDownload),
        new(null, "/web/content/**", FileDownload),
        new(null, "/web/binary/**", FileDownload),       // company_logo, image, saveas
        new(null, "/web/binary/upload_attachment", FileUpload),
        new(null, "/web/binary/upload", FileUpload),
        new(null, "/mail/attachment/upload", FileUpload),
        new(null, "/web_editor/attachment/add_data", FileUpload),
        new(null, "/html_editor/attachment/add_data", FileUpload),
        new(null, "/discuss/channel/*/avatar_128", FileDownload),
        new(null, "/report/barcode", FileDownload),
        new(null, "/report/barcode/**", FileDownload),
        new(null, "/web/export/**", FileExport),

        // Reports.
        new(null, "/report/pdf/**", ReportRender),
        new(null, "/report/html/**", ReportRender),
        new(null, "/report/text/**", ReportRender),
        new(null, "/report/download", ReportRender),

        // Discuss and chatter.
        new(null, "/mail/**", Mail),
        new(null, "/discuss/**", Mail),

        // RPC from the web client. call_kw always carries model/method in its URL; call_button only from 18 on.
        new(null, "/web/dataset/call_kw", RpcOther, RouteHandling.BodyModelMethod),
        new(null, "/web/dataset/call_kw/**", RpcOther, RouteHandling.BodyModelMethod),
        new(null, "/web/dataset/call_kw/*/*/**", RpcOther, RouteHandling.ModelMethodInPath),
        new(null, "/web/dataset/call_button", RpcOther, RouteHandling.BodyModelMethod),
        new(null, "/web/dataset/call_button/**", RpcOther, RouteHandling.BodyModelMethod),
        new(null, "/web/dataset/call_button/*/*/**", RpcOther, RouteHandling.ModelMethodInPath),
        new(null, "/web/dataset/search_read", UiRead),
        new(null, "/web/dataset/resequence", UiWrite),
        new(null, "/web/action/run", RpcOther, RouteHandling.BodyActionId),

        // External RPC.
        new(null, "/json/2/*/*", Api, RouteHandling.ModelMethodInPath),   // 19: JSON-2
        new(null, "/json/2/**", Api),
        new(null, "/jsonrpc", Api, RouteHandling.BodyExecuteKw),
        new(null, "/xmlrpc/2/object", Api, RouteHandling.BodyXmlRpcExecuteKw),
        new(null, "/xmlrpc/object", Api, RouteHandling.BodyXmlRpcExecuteKw),
        new(null, "/xmlrpc/**", Api),

        // Website, shop, portal, payment.
        new(null, "/shop", ShopBrowse),
        new(null, "/shop/**", ShopBrowse),
        new(null, "/shop/cart", ShopCart),
        new(null, "/shop/cart/**", ShopCart),
        new(null, "/shop/checkout", ShopCheckout),
        new(null, "/shop/confirm_order", ShopCheckout),
        new(null, "/shop/address", ShopCheckout),
        new(null, "/shop/address/**", ShopCheckout),
        new(null, "/shop/extra_info", ShopCheckout),
        new(null, "/shop/payment", ShopCheckout),
        new(null, "/shop/payment/**", ShopCheckout),
        new(null, "/shop/confirmation", ShopCheckout),
        new(null, "/my", Portal),
        new(null, "/my/**", Portal),
        new(null, "/my/orders/*/accept", QuoteAccept),
        new(null, "/payment/*/webhook", PaymentWebhook),
        new(null, "/payment/*/notification", PaymentWebhook),
        new(null, "/payment/*/return", PaymentWebhook),
    ];

    /// <summary>Model/method pairs that are business operations, wizards included (named by the wizard's own model and button).</summary>
    public static IReadOnlyList<BusinessOperation> BusinessOperations { get; } =
    [
        new("sale.order", "action_confirm", SaleOrderConfirm),
        new("sale.order", "action_cancel", SaleOrderCancel),
        new("sale.order.cancel", "action_cancel", SaleOrderCancel),
        new("sale.advance.payment.inv", "create_invoices", InvoiceCreate),
        new("account.move", "action_post", InvoicePost),
        new("account.move", "button_cancel", InvoiceCancel),
        new("account.payment.register", "action_create_payments", PaymentRegister),
        new("stock.picking", "button_validate", PickingValidate),
        // 16's validation wizards finish the same validation.
        new("stock.immediate.transfer", "process", PickingValidate),
        new("stock.backorder.confirmation", "process", PickingValidate),
        new("stock.backorder.confirmation", "process_cancel_backorder", PickingValidate),
        new("purchase.order", "button_confirm", PurchaseOrderConfirm),
        new("mrp.production", "button_mark_done", ProductionDone),
        new("mrp.immediate.production", "process", ProductionDone),
        new("mrp.production.backorder", "action_backorder", ProductionDone),
        new("mrp.production.backorder", "action_close_mo", ProductionDone),
    ];

    /// <summary>ORM and web client methods that only read, on any model: <c>ui.read</c>.</summary>
    public static IReadOnlyList<string> ReadMethods { get; } =
    [
        "read", "search", "search_read", "search_count", "search_fetch", "fetch", "exists",
        "name_search", "name_get", "read_group", "fields_get", "default_get", "get_views", "load_views",
        "web_read", "web_search_read", "web_read_group", "web_name_search", "read_progress_bar",
        "search_panel_select_range", "search_panel_select_multi_range", "get_formview_id", "get_formview_action",
        "has_group", "check_access_rights", "check_access_rule", "check_access", "has_access",
    ];

    /// <summary>ORM and web client methods that write, on any model: <c>ui.write</c>.</summary>
    public static IReadOnlyList<string> WriteMethods { get; } =
    [
        "web_save", "create", "write", "unlink", "copy", "onchange", "name_create",
        "action_archive", "action_unarchive", "toggle_active", "web_resequence", "resequence",
    ];

    /// <summary>
    /// What Odoo's PDF renderer puts in its User-Agent (<c>... AppleWebKit/602.1 (KHTML, like Gecko) wkhtmltopdf Version/10.0
    /// Safari/602.1</c>). While a worker renders a report, wkhtmltopdf fetches the page's assets from <c>report.url</c> (else
    /// <c>web.base.url</c>): <c>/</c>, <c>/web/assets/...</c>, images. Those requests are <see cref="OperationNames.ReportAssets"/>,
    /// not the <c>ui.bootstrap</c> or <c>static</c> of people.
    /// </summary>
    public const string ReportRendererUserAgent = "wkhtmltopdf";

    /// <summary>Every built-in operation name: route families, the business catalog and <c>rpc:other</c>.</summary>
    public static IReadOnlyList<string> AllOperationNames { get; } = BuildOperationNames();

    private static string[] BuildOperationNames()
    {
        var names = new SortedSet<string>(StringComparer.Ordinal) { UiRead, UiWrite, RpcOther, Other, ReportAssets };
        foreach (var route in Routes)
        {
            names.Add(route.Operation);
        }

        foreach (var business in BusinessOperations)
        {
            names.Add(business.Operation);
        }

        return [.. names];
    }

    internal static FrozenDictionary<string, string> BuildMethodFamilies()
    {
        var families = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var method in ReadMethods)
        {
            families[method] = UiRead;
        }

        foreach (var method in WriteMethods)
        {
            families[method] = UiWrite;
        }

        return families.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
