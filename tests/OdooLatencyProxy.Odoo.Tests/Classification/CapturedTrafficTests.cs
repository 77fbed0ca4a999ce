using OdooLatencyProxy.Odoo.Classification;
using OdooLatencyProxy.Odoo.Tests.TestData;

namespace OdooLatencyProxy.Odoo.Tests.Classification;

/// <summary>Every exchange of the real Odoo 17 capture, named and judged as a person reading it would.</summary>
public sealed class CapturedTrafficTests
{
    // seq -> operation, written out by reading each exchange of odoo17-webclient.jsonl.
    public static TheoryData<int, string> ExpectedOperations => new()
    {
        { 1, "ui.bootstrap" },        // GET / -> 303 /web
        { 2, "ui.bootstrap" },        // GET /web -> 303 /web/login
        { 3, "ui.bootstrap" },        // GET /web/login: renders the form
        { 4, "static" },              // /web/assets/...css
        { 5, "file.download" },       // /web/binary/company_logo
        { 6, "static" },              // /web/static/src/libs/fontawesome/...
        { 7, "static" },
        { 8, "static" },
        { 9, "static" },              // favicon under /web/static
        { 10, "ui.bootstrap" },       // /website/translations/<hash>
        { 11, "auth.login" },         // POST /web/login with the password
        { 12, "ui.bootstrap" },       // GET /web after login
        { 13, "static" },
        { 14, "static" },
        { 15, "ui.bootstrap" },       // load_menus
        { 16, "ui.bootstrap" },       // webclient translations
        { 17, "static" },             // /bus/websocket_worker_bundle
        { 18, "mail" },               // /mail/init_messaging
        { 19, "static" },             // /web/service-worker.js
        { 20, "rpc:res.users.systray_get_activities" },
        { 21, "file.download" },      // /web/image?model=res.users...
        { 22, "ui.bootstrap" },       // /web/offline
        { 23, "ui.read" },            // /web/action/load
        { 24, "static" },
        { 25, "realtime" },           // /websocket 101
        { 26, "mail" },
        { 27, "mail" },
        { 28, "file.download" },      // /web/image/res.partner/2/avatar_128
        { 29, "file.download" },      // /discuss/channel/1/avatar_128
        { 30, "ui.read" },            // /web/action/load (Quotations)
        { 31, "ui.read" },            // sale.order get_views
        { 32, "ui.read" },            // sale.order web_search_read
        { 33, "ui.read" },            // res.users has_group
        { 34, "ui.read" },            // /onboarding/sale_quotation panel
        { 35, "file.download" },
        { 36, "file.download" },
        { 37, "file.download" },
        { 38, "file.download" },
        { 39, "file.download" },
        { 40, "ui.write" },           // sale.order onchange
        { 41, "static" },             // /web/bundle/web_editor...
        { 42, "static" },
        { 43, "static" },
        { 44, "rpc:ir.ui.view.render_public_asset" },
        { 45, "file.download" },
        { 46, "ui.read" },            // res.partner name_search
        { 47, "static" },             // /partner_autocomplete/static/lib/jsvat.js
        { 48, "ui.read" },
        { 49, "rpc:res.partner.autocomplete" },
        { 50, "ui.write" },
        { 51, "ui.write" },           // sale.order.line onchange
        { 52, "static" },
        { 53, "ui.read" },            // product.template name_search
        { 54, "ui.read" },
        { 55, "rpc:product.template.get_single_product_variant" },
        { 56, "ui.write" },
        { 57, "ui.write" },
        { 58, "ui.write" },
        { 59, "ui.write" },
        { 60, "ui.write" },           // sale.order web_save
        { 61, "mail" },               // /mail/thread/data
        { 62, "mail" },
        { 63, "sale_order.confirm" }, // call_button sale.order action_confirm (model only in the body)
        { 64, "mail" },
        { 65, "ui.read" },            // sale.order web_read
        { 66, "mail" },
        { 78, "invoice.post" },       // call_button account.move action_post; context.active_model is the old wizard
        { 79, "mail" },
        { 80, "ui.read" },
        { 81, "mail" },
        { 110, "ui.read" },
        { 111, "ui.read" },           // /onboarding/account_invoice
        { 112, "ui.read" },
        { 113, "ui.read" },
        { 114, "ui.write" },
        { 115, "ui.read" },
        { 116, "ui.read" },
        { 117, "ui.write" },
        { 118, "ui.write" },          // account.move web_save
        { 119, "mail" },
        { 120, "mail" },
        { 121, "invoice.post" },      // action_post on an invoice without lines: UserError
        { 129, "auth.logout" },
        { 130, "ui.bootstrap" },
        { 131, "ui.bootstrap" },
        { 132, "file.download" },     // company_logo, 304
        { 143, "ui.write" },          // Python client: web_save, spaced JSON
        { 144, "sale_order.cancel" }, // call_button, model/method before args
        { 145, "sale_order.confirm" },// confirming a cancelled order: UserError
        { 146, "ui.write" },          // unlink of a posted invoice: UserError
        { 147, "ui.read" },           // web_read of a missing id: result []
        { 148, "ui.read" },           // expired session
        { 149, "sale_order.confirm" },// expired session
        { 150, "ui.bootstrap" },      // load_menus -> 303 to login
        { 151, "ui.bootstrap" },
        { 152, "ui.bootstrap" },
        { 153, "ui.bootstrap" },      // get_session_info, expired session
        { 180, "health" },
        { 181, "static" },
        { 182, "static" },            // 304
        { 183, "static" },
        { 184, "static" },            // 404
        { 185, "file.download" },
        { 186, "file.download" },
        { 187, "file.download" },
        { 188, "file.download" },     // missing record still gets a placeholder
        { 189, "file.download" },
    };

    // Every exchange that is not "ok". Redirects to /web/login (seq 2, 150, 152) are "ok": on the wire an anonymous
    // visitor and an expired session look the same, so only the JSON routes' code 100 is counted as session_expired.
    private static readonly Dictionary<int, ResponseOutcome> NotOk = new()
    {
        [121] = new(OdooOutcome.RpcError, OdooErrorClass.UserError),
        [145] = new(OdooOutcome.RpcError, OdooErrorClass.UserError),
        [146] = new(OdooOutcome.RpcError, OdooErrorClass.UserError),
        [148] = new(OdooOutcome.SessionExpired),
        [149] = new(OdooOutcome.SessionExpired),
        [153] = new(OdooOutcome.SessionExpired),
        [184] = new(OdooOutcome.ClientError),
    };

    public static TheoryData<int> AllSeqs => [.. CapturedExchange.BySeq.Keys.Order()];

    private readonly RequestClassifier _classifier = new();

    [Fact]
    public void ExpectedTable_CoversEveryCapturedExchange() =>
        Assert.Equal(CapturedExchange.BySeq.Keys.Order(), ExpectedOperations.Select(row => row.Data.Item1).Order());

    [Theory]
    [MemberData(nameof(ExpectedOperations))]
    public void CapturedRequest_IsNamedAsAPersonWould(int seq, string expected)
    {
        var exchange = CapturedExchange.BySeq[seq];

        var route = _classifier.ClassifyRoute(exchange.Method, exchange.Path);
        var operation = route.NeedsBody
            ? _classifier.ClassifyBody(route, exchange.Method, exchange.Path, exchange.RequestBody, exchange.RequestBody.Length)
            : route.Operation;

        Assert.Equal(expected, operation.Name);
    }

    [Theory]
    [MemberData(nameof(AllSeqs))]
    public void CapturedResponse_GetsTheRightOutcome(int seq)
    {
        var exchange = CapturedExchange.BySeq[seq];
        var prefix = exchange.ResponseBody.AsSpan(0, Math.Min(exchange.ResponseBody.Length, ResponseOutcomeDetector.DefaultPrefixBytes));
        var complete = !exchange.ResponseTruncated && prefix.Length == exchange.ResponseBody.Length;

        var outcome = ResponseOutcomeDetector.Detect(exchange.Status, exchange.ContentType, exchange.ContentEncoding, prefix, complete);

        Assert.Equal(NotOk.GetValueOrDefault(seq, ResponseOutcome.Ok), outcome);
    }

    [Theory]
    [InlineData(121)]
    [InlineData(149)]
    public void CapturedErrorResponse_IsFoundInAPrefixThatStopsBeforeTheTraceback(int seq)
    {
        // data.name comes right before the long "debug" traceback; 200 bytes hold it, the traceback is never needed.
        var exchange = CapturedExchange.BySeq[seq];

        var outcome = ResponseOutcomeDetector.Detect(200, exchange.ContentType, "", exchange.ResponseBody.AsSpan(0, 200), isCompleteBody: false);

        Assert.Equal(NotOk[seq], outcome);
    }

    [Fact]
    public void CapturedCallButton_NeedsTheBody_WhilePathOnlyRoutesDoNot()
    {
        Assert.True(_classifier.ClassifyRoute("POST", CapturedExchange.BySeq[63].Path).NeedsBody);
        Assert.False(_classifier.ClassifyRoute("POST", CapturedExchange.BySeq[60].Path).NeedsBody);
        Assert.False(_classifier.ClassifyRoute("GET", CapturedExchange.BySeq[4].Path).NeedsBody);
    }
}
