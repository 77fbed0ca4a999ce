using OdooLatencyProxy.Odoo.Classification;
using static OdooLatencyProxy.Odoo.Tests.Classification.Bodies;

namespace OdooLatencyProxy.Odoo.Tests.Classification;

public sealed class RequestClassifierTests
{
    private readonly RequestClassifier _classifier = new();

    private string Name(string method, string path, byte[]? body = null, string contentEncoding = "") =>
        _classifier.Classify(method, path, body ?? [], contentEncoding).Name;

    // The User-Agent wkhtmltopdf 0.12 sends while Odoo 17 renders a PDF (seen on a real Odoo 17 with web.base.url at a recorder).
    private const string Wkhtmltopdf = "Mozilla/5.0 (Unknown; Linux x86_64) AppleWebKit/602.1 (KHTML, like Gecko) wkhtmltopdf Version/10.0 Safari/602.1";
    private const string Chrome = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36";

    [Theory]
    [InlineData("/", Wkhtmltopdf, "report.assets")]
    [InlineData("/web/assets/1/b7cb00b/web.report_assets_pdf.min.css", Wkhtmltopdf, "report.assets")]
    [InlineData("/web/image/res.company/1/logo", Wkhtmltopdf, "report.assets")]
    [InlineData("/", Chrome, "ui.bootstrap")]
    [InlineData("/web/assets/1/b7cb00b/web.report_assets_pdf.min.css", Chrome, "static")]
    [InlineData("/web/assets/1/b7cb00b/web.report_assets_pdf.min.css", "", "static")]
    public void ClassifyRoute_OdoosPdfRenderer_HasAnOperationOfItsOwn(string path, string userAgent, string expected)
    {
        var route = _classifier.ClassifyRoute("GET", path, userAgent);
        Assert.Equal(expected, route.Operation.Name);
        Assert.False(route.NeedsBody);
    }

    [Theory]
    // Odoo 16: call_button without model in the URL, 16's validation wizards, long polling.
    [InlineData("POST", "/web/dataset/call_kw/sale.order/read", "ui.read")]
    [InlineData("POST", "/web/dataset/call_kw/stock.picking/button_validate", "picking.validate")]
    [InlineData("POST", "/longpolling/poll", "realtime")]
    [InlineData("GET", "/web/webclient/load_menus/0b6fc1d1", "ui.bootstrap")]
    [InlineData("GET", "/web/webclient/qweb/1a2b", "ui.bootstrap")]
    // Odoo 18: /odoo URLs, call_button with model and method in the URL.
    [InlineData("GET", "/odoo", "ui.bootstrap")]
    [InlineData("GET", "/odoo/sales/42", "ui.bootstrap")]
    [InlineData("GET", "/odoo/action-sale.action_quotations_with_onboarding", "ui.bootstrap")]
    [InlineData("POST", "/web/dataset/call_button/sale.order/action_confirm", "sale_order.confirm")]
    [InlineData("POST", "/web/dataset/call_button/account.move/action_post", "invoice.post")]
    [InlineData("POST", "/web/dataset/call_button/sale.advance.payment.inv/create_invoices", "invoice.create")]
    [InlineData("POST", "/web/dataset/call_button/account.payment.register/action_create_payments", "payment.register")]
    [InlineData("POST", "/web/dataset/call_button/purchase.order/button_confirm", "purchase_order.confirm")]
    [InlineData("POST", "/web/dataset/call_button/mrp.production/button_mark_done", "production.done")]
    [InlineData("POST", "/web/dataset/call_button/crm.lead/action_set_won", "rpc:crm.lead.action_set_won")]
    // Odoo 19: JSON-2.
    [InlineData("POST", "/json/2/sale.order/action_confirm", "sale_order.confirm")]
    [InlineData("POST", "/json/2/res.partner/search_read", "ui.read")]
    [InlineData("POST", "/json/2/res.partner/write", "ui.write")]
    [InlineData("POST", "/json/2/res.partner/custom_sync", "rpc:res.partner.custom_sync")]
    [InlineData("POST", "/json/2/res.partner", "api")]
    [InlineData("POST", "/json/2/res partner/write", "api")]
    // Routes named in odoo.md, all versions.
    [InlineData("POST", "/web/session/authenticate", "auth.login")]
    [InlineData("POST", "/web/login/totp", "auth.login")]
    [InlineData("GET", "/web/login/totp", "other")]
    [InlineData("GET", "/web/assets/1/web.assets_web.min.js", "static")]
    [InlineData("GET", "/sale/static/src/img/icon.png", "static")]
    [InlineData("GET", "/web/content/42?download=true", "file.download")]
    [InlineData("GET", "/web/content/ir.attachment/42/datas", "file.download")]
    [InlineData("POST", "/web/binary/upload_attachment", "file.upload")]
    [InlineData("POST", "/mail/attachment/upload", "file.upload")]
    [InlineData("GET", "/report/pdf/sale.report_saleorder/9", "report.render")]
    [InlineData("GET", "/report/html/account.report_invoice/8", "report.render")]
    [InlineData("POST", "/report/download", "report.render")]
    [InlineData("GET", "/report/barcode/QR/123", "file.download")]
    [InlineData("POST", "/web/export/xlsx", "file.export")]
    [InlineData("POST", "/web/export/csv", "file.export")]
    [InlineData("POST", "/mail/message/post", "mail")]
    [InlineData("GET", "/payment/stripe/webhook", "payment.webhook")]
    [InlineData("POST", "/payment/adyen/notification", "payment.webhook")]
    [InlineData("GET", "/payment/paypal/return", "payment.webhook")]
    [InlineData("GET", "/shop", "shop.browse")]
    [InlineData("GET", "/shop/product/e2e-widget-1", "shop.browse")]
    [InlineData("POST", "/shop/cart/update_json", "shop.cart")]
    [InlineData("GET", "/shop/checkout", "shop.checkout")]
    [InlineData("POST", "/shop/payment/transaction/12", "shop.checkout")]
    [InlineData("GET", "/shop/confirmation", "shop.checkout")]
    [InlineData("POST", "/my/orders/12/accept", "quote.accept")]
    [InlineData("GET", "/my/orders/12", "portal")]
    [InlineData("GET", "/my", "portal")]
    [InlineData("GET", "/queue_job/runjob", "queue_job.run")]
    [InlineData("GET", "/web/health", "health")]
    [InlineData("GET", "/websocket", "realtime")]
    [InlineData("POST", "/web/database/create", "database.manager")]
    [InlineData("GET", "/web/database/manager", "database.manager")]
    [InlineData("POST", "/xmlrpc/2/common", "api")]
    [InlineData("POST", "/xmlrpc/2/db", "api")]
    [InlineData("GET", "/contactus", "other")]
    [InlineData("GET", "", "ui.bootstrap")]
    [InlineData("GET", "//web//", "ui.bootstrap")]
    public void RouteWithoutBody_IsNamedByMethodAndPath(string method, string path, string expected) =>
        Assert.Equal(expected, Name(method, path.Split('?')[0]));

    [Theory]
    [InlineData("sale.order", "action_confirm", "sale_order.confirm")]
    [InlineData("account.move", "action_post", "invoice.post")]
    [InlineData("sale.advance.payment.inv", "create_invoices", "invoice.create")]
    [InlineData("account.payment.register", "action_create_payments", "payment.register")]
    [InlineData("stock.picking", "button_validate", "picking.validate")]
    [InlineData("stock.immediate.transfer", "process", "picking.validate")]
    [InlineData("purchase.order", "button_confirm", "purchase_order.confirm")]
    [InlineData("mrp.production", "button_mark_done", "production.done")]
    [InlineData("sale.order", "web_read", "ui.read")]
    [InlineData("hr.expense.sheet", "action_submit_sheet", "rpc:hr.expense.sheet.action_submit_sheet")]
    public void CallButtonOn16And17_IsNamedFromTheBody_InEitherKeyOrder(string model, string method, string expected)
    {
        Assert.True(_classifier.ClassifyRoute("POST", "/web/dataset/call_button").NeedsBody);
        Assert.Equal(expected, Name("POST", "/web/dataset/call_button", BrowserCallButton(model, method)));
        Assert.Equal(expected, Name("POST", "/web/dataset/call_button", PythonCallButton(model, method)));
    }

    [Fact]
    public void CallKwWithoutModelInTheUrl_IsNamedFromTheBody() =>
        Assert.Equal("sale_order.confirm", Name("POST", "/web/dataset/call_kw", PythonCallButton("sale.order", "action_confirm")));

    [Fact]
    public void EscapedAndSpacedJson_IsReadLikeOdooReadsIt()
    {
        var body = Utf8("""
            {
              "params" : {
                "kwargs" : { "context" : { "model" : "decoy", "method" : "decoy" } },
                "model"  : "\u0073ale.order",
                "method" : "action_\u0063onfirm",
                "args"   : [ [ 9 ] ]
              },
              "method" : "call", "jsonrpc" : "2.0", "id" : 3
            }
            """);

        Assert.Equal("sale_order.confirm", Name("POST", "/web/dataset/call_button", body));
    }

    [Fact]
    public void WizardButton_IsNamedByTheWizardCall_NotByContextActiveModel()
    {
        // The invoice wizard's button carries the sale order only in context.active_model; the catalog names the wizard call.
        var wizard = Utf8("""{"jsonrpc":"2.0","method":"call","params":{"model":"sale.advance.payment.inv","method":"create_invoices","args":[[4]],"kwargs":{"context":{"active_model":"sale.order","active_ids":[9]}}}}""");
        // A later button inherits a stale active_model from that wizard (capture seq 78): it must stay invoice.post.
        var post = Utf8("""{"jsonrpc":"2.0","method":"call","params":{"args":[[8]],"kwargs":{"context":{"active_model":"sale.advance.payment.inv","active_id":4}},"method":"action_post","model":"account.move"}}""");

        Assert.Equal("invoice.create", Name("POST", "/web/dataset/call_button", wizard));
        Assert.Equal("invoice.post", Name("POST", "/web/dataset/call_button", post));
    }

    [Theory]
    [InlineData("sale.order", "action_confirm", "object", "execute_kw", "sale_order.confirm")]
    [InlineData("res.partner", "search_read", "object", "execute_kw", "ui.read")]
    [InlineData("res.partner", "create", "object", "execute", "ui.write")]
    [InlineData("res.partner", "sync_x", "object", "execute_kw", "rpc:res.partner.sync_x")]
    [InlineData("ignored", "ignored", "common", "login", "api")]
    [InlineData("ignored", "ignored", "db", "list", "api")]
    public void ExternalJsonRpc_IsNamedFromExecuteKwArguments(string model, string method, string service, string rpcMethod, string expected) =>
        Assert.Equal(expected, Name("POST", "/jsonrpc", JsonRpcExecuteKw(model, method, service, rpcMethod)));

    [Theory]
    [InlineData("/xmlrpc/2/object", "account.move", "action_post", "execute_kw", "invoice.post")]
    [InlineData("/xmlrpc/2/object", "res.partner", "search_read", "execute_kw", "ui.read")]
    [InlineData("/xmlrpc/object", "stock.picking", "button_validate", "execute", "picking.validate")]
    [InlineData("/xmlrpc/2/object", "res.partner", "fetch_remote", "execute_kw", "rpc:res.partner.fetch_remote")]
    [InlineData("/xmlrpc/2/object", "res.partner", "read", "render_report", "api")]
    public void XmlRpc_IsNamedFromTheFourthAndFifthParam(string path, string model, string method, string methodName, string expected) =>
        Assert.Equal(expected, Name("POST", path, XmlRpcExecuteKw(model, method, methodName)));

    [Fact]
    public void XmlRpcUntypedStringValues_AreRead()
    {
        var body = Utf8("<?xml version=\"1.0\"?><methodCall><methodName>execute_kw</methodName><params><param><value>db</value></param>"
            + "<param><value><i4>2</i4></value></param><param><value>pw</value></param><param><value>sale.order</value></param>"
            + "<param><value>action_confirm</value></param></params></methodCall>");

        Assert.Equal("sale_order.confirm", Name("POST", "/xmlrpc/2/object", body));
    }

    [Theory]
    [InlineData("512", "rpc:action.512")]
    [InlineData("\"512\"", "rpc:action.512")]
    [InlineData("\"crm.action_mass_mail\"", "rpc:action.crm.action_mass_mail")]
    [InlineData("null", "rpc:other")]
    [InlineData("{\"x\":1}", "rpc:other")]
    public void ServerActionRun_IsNamedByActionId(string actionIdJson, string expected)
    {
        Assert.True(_classifier.ClassifyRoute("POST", "/web/action/run").NeedsBody);
        Assert.Equal(expected, Name("POST", "/web/action/run", ActionRun(actionIdJson)));
    }

    [Fact]
    public void ServerActions_WithLabelsFromTheDatabase_AreNamedByWhatTheyAre_FromTheUiAndFromTheirRunButton()
    {
        var classifier = new RequestClassifier();
        classifier.UseServerActionLabels(new Dictionary<string, string>
        {
            ["339"] = RequestClassifier.ServerActionLabel(null, "Update prices (2026)!")!,
            ["512"] = RequestClassifier.ServerActionLabel("crm.action_mass_mail", "Send mass mail")!,
        });

        Assert.Equal("rpc:action.update_prices_2026", classifier.Classify("POST", "/web/action/run", ActionRun("339")).Name);
        Assert.Equal("rpc:action.crm.action_mass_mail", classifier.Classify("POST", "/web/action/run", ActionRun("512")).Name);
        Assert.Equal("rpc:action.77", classifier.Classify("POST", "/web/action/run", ActionRun("77")).Name);
        // The "Run" button of the server action's own form: call_button ir.actions.server/run on [[339]], in 17's and 18's URL forms.
        Assert.Equal("rpc:action.update_prices_2026", classifier.Classify("POST", "/web/dataset/call_button", PythonCallButton("ir.actions.server", "run").Replace10With(339)).Name);
        var route = classifier.ClassifyRoute("POST", "/web/dataset/call_button/ir.actions.server/run");
        Assert.True(route.NeedsBody);
        Assert.Equal("rpc:ir.actions.server.run", route.Operation.Name);
        Assert.Equal("rpc:action.update_prices_2026",
            classifier.ClassifyBody(route, "POST", "/web/dataset/call_button/ir.actions.server/run", BrowserCallButton("ir.actions.server", "run").Replace9With(339), BrowserCallButton("ir.actions.server", "run").Replace9With(339).Length).Name);
        // Without the id the pair keeps its own name.
        Assert.Equal("rpc:ir.actions.server.run", classifier.Classify("POST", "/web/dataset/call_button", Utf8("{\"params\":{\"model\":\"ir.actions.server\",\"method\":\"run\",\"args\":[]}}")).Name);
    }

    [Theory]
    [InlineData("sale.action_update_prices", "Update prices", "sale.action_update_prices")]
    [InlineData("__export__.ir_act_server_339_1a2b", "Update prices", "update_prices")]
    [InlineData(null, "  Relancer les clients — J+30 ", "relancer_les_clients_j_30")]
    [InlineData(null, "   ", null)]
    [InlineData(null, "???", null)]
    public void ServerActionLabel_PrefersAModulesXmlId_ElseTheNameInLowerCase(string? xmlId, string? name, string? expected) =>
        Assert.Equal(expected, RequestClassifier.ServerActionLabel(xmlId, name));

    [Theory]
    [InlineData("sale order", "action_confirm")]
    [InlineData("sale.order\"}", "x")]
    [InlineData("sale.order", "action_confirm\\n")]
    [InlineData("sal\u00e9.order", "x")]
    [InlineData("{{label}}", "x")]
    public void ModelOrMethodWithLabelGarbage_BecomesRpcOther(string model, string method)
    {
        var body = Utf8("{\"params\":{\"model\":" + System.Text.Json.JsonSerializer.Serialize(model) + ",\"method\":"
            + System.Text.Json.JsonSerializer.Serialize(method) + "}}");

        Assert.Equal("rpc:other", Name("POST", "/web/dataset/call_button", body));
    }

    [Fact]
    public void OverlongModelName_BecomesRpcOther() =>
        Assert.Equal("rpc:other", Name("POST", "/web/dataset/call_button", PythonCallButton(new string('a', 65), "x")));

    [Theory]
    [InlineData(-1, true)]
    [InlineData(0, true)]
    [InlineData(1, false)]
    [InlineData(15 * 16 * 1024, false)]
    public void BodyAroundThePeekLimit_IsReadOnlyUpToTheLimit(int overLimit, bool named)
    {
        var classifier = new RequestClassifier();
        var body = Padded(PythonCallButton("sale.order", "action_confirm"), classifier.BodyPeekLimitBytes + overLimit);
        var route = classifier.ClassifyRoute("POST", "/web/dataset/call_button");

        // The proxy hands at most the limit, and the whole body's length.
        var prefix = body.AsSpan(0, Math.Min(body.Length, classifier.BodyPeekLimitBytes));
        var operation = classifier.ClassifyBody(route, "POST", "/web/dataset/call_button", prefix, body.Length);

        Assert.Equal(named ? "sale_order.confirm" : "rpc:other", operation.Name);
    }

    [Fact]
    public void ConfiguredPeekLimit_IsHonoured()
    {
        var classifier = new RequestClassifier(new ClassificationOptions { BodyPeekLimitBytes = 100 });
        var body = PythonCallButton("sale.order", "action_confirm");

        Assert.Equal("rpc:other", classifier.Classify("POST", "/web/dataset/call_button", body).Name);
        Assert.Equal(100, classifier.BodyPeekLimitBytes);
    }

    [Fact]
    public void PrefixShorterThanTheDeclaredLength_FallsBackToThePath()
    {
        var body = PythonCallButton("sale.order", "action_confirm");
        var route = _classifier.ClassifyRoute("POST", "/web/dataset/call_button");

        Assert.Equal("rpc:other", _classifier.ClassifyBody(route, "POST", "/web/dataset/call_button", body, body.Length + 1).Name);
    }

    [Theory]
    [InlineData("gzip")]
    [InlineData("br")]
    [InlineData("deflate, gzip")]
    public void CompressedRequestBody_FallsBackToThePath(string encoding) =>
        Assert.Equal("rpc:other", Name("POST", "/web/dataset/call_button", PythonCallButton("sale.order", "action_confirm"), encoding));

    [Fact]
    public void IdentityEncoding_IsRead() =>
        Assert.Equal("sale_order.confirm", Name("POST", "/web/dataset/call_button", PythonCallButton("sale.order", "action_confirm"), "identity"));

    [Theory]
    [InlineData("/jsonrpc", "api")]
    [InlineData("/xmlrpc/2/object", "api")]
    [InlineData("/web/action/run", "rpc:other")]
    [InlineData("/web/dataset/call_button", "rpc:other")]
    public void MalformedBody_FallsBackToThePathResult(string path, string expected)
    {
        Assert.Equal(expected, Name("POST", path, Utf8("{\"params\": {\"model\": \"sale.order\", \"method\": \"action_confirm\"")));
        Assert.Equal(expected, Name("POST", path, Utf8("csrf_token=x&login=admin")));
        Assert.Equal(expected, Name("POST", path, []));
    }

    [Fact]
    public void JsonWithTrailingGarbage_IsMalformed() =>
        Assert.Equal("rpc:other", Name("POST", "/web/dataset/call_button", Utf8("{\"params\":{\"model\":\"sale.order\",\"method\":\"action_confirm\"}} x")));

    [Fact]
    public void ClassifyBody_OnARouteThatNeedsNoBody_ReturnsTheRouteResult()
    {
        var route = _classifier.ClassifyRoute("GET", "/web/health");

        Assert.Equal("health", _classifier.ClassifyBody(route, "GET", "/web/health", PythonCallButton("sale.order", "action_confirm"), 10).Name);
    }

    [Fact]
    public void OperationInstances_AreSharedAcrossRequests()
    {
        var a = _classifier.Classify("POST", "/web/dataset/call_kw/res.partner/weird_method", []);
        var b = _classifier.Classify("POST", "/web/dataset/call_button", PythonCallButton("res.partner", "weird_method"));
        var c = _classifier.ClassifyRoute("GET", "/web/health").Operation;

        Assert.Same(a, b);
        Assert.Same(c, _classifier.ClassifyRoute("GET", "/web/health").Operation);
        Assert.Same(_classifier.FindOperation("health"), c);
    }

    [Fact]
    public void PathStage_AllocatesNothing()
    {
        // Allocation is deterministic, unlike time: checked here, timed in the benchmarks.
        string[] paths = ["/web/dataset/call_kw/sale.order/web_save", "/web/assets/1/web.min.js", "/web/image/res.partner/7/avatar_128",
            "/web/dataset/call_button", "/json/2/sale.order/action_confirm", "/nothing/here", "/web/dataset/call_kw/res.partner/weird_method"];
        foreach (var path in paths)
        {
            _classifier.ClassifyRoute("POST", path);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            foreach (var path in paths)
            {
                _classifier.ClassifyRoute("POST", path);
            }
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void BodyStageAndOutcomeDetection_AllocateNothingOnTypicalInput()
    {
        var body = BrowserCallButton("sale.order", "action_confirm");
        var response = Utf8("""{"jsonrpc": "2.0", "id": 76, "error": {"code": 200, "message": "Odoo Server Error", "data": {"name": "odoo.exceptions.UserError", "debug": "Traceback""");
        var route = _classifier.ClassifyRoute("POST", "/web/dataset/call_button");
        _classifier.ClassifyBody(route, "POST", "/web/dataset/call_button", body, body.Length);
        ResponseOutcomeDetector.Detect(200, "application/json", "", response, false);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            _classifier.ClassifyBody(route, "POST", "/web/dataset/call_button", body, body.Length);
            ResponseOutcomeDetector.Detect(200, "application/json; charset=utf-8", "", response, false);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    private static byte[] Padded(byte[] body, int length)
    {
        // Pad inside the JSON (a long "kwargs" string) so every size stays valid JSON.
        var text = System.Text.Encoding.UTF8.GetString(body);
        var head = text[..^2] + ", \"pad\": \"";
        var tail = "\"}}";
        var fill = length - System.Text.Encoding.UTF8.GetByteCount(head) - tail.Length;
        return Utf8(head + new string('x', fill) + tail);
    }
}
