using System.Text;
using BenchmarkDotNet.Attributes;
using OdooLatencyProxy.Odoo.Classification;

namespace OdooLatencyProxy.Benchmarks.Classification;

/// <summary>The three hot paths of issue 3, on inputs shaped like the captured Odoo 17 traffic.</summary>
[MemoryDiagnoser]
public class ClassificationBenchmarks
{
    // Capture seq 63: the browser's call_button confirming a sale order (264 bytes).
    private static readonly byte[] CallButtonBody = Encoding.UTF8.GetBytes(
        """{"id":27,"jsonrpc":"2.0","method":"call","params":{"args":[[9]],"kwargs":{"context":{"search_default_my_quotation":1,"lang":"en_US","tz":"Europe/Brussels","uid":2,"allowed_company_ids":[1],"validate_analytic":true}},"method":"action_confirm","model":"sale.order"}}""");

    // Capture seq 65: the start of a web_read result (the common case: "result" right after "id").
    private static readonly byte[] ResultPrefix = Encoding.UTF8.GetBytes(
        """{"jsonrpc": "2.0", "id": 29, "result": [{"id": 9, "locked": false, "authorized_transaction_ids": [], "state": "sale", "partner_id": {"id": 7, "display_name": "E2E Customer"}, "validity_date": "2026-12-26", "date_order": "2026-11-26 20:21:09", "user_id": {"id": 2, "display_name": "Mitchell Admin"}, "amount_total": 230.0}]""");

    // Capture seq 121: the first 512 bytes of a UserError response (data.name, then the traceback).
    private static readonly byte[] UserErrorPrefix = Encoding.UTF8.GetBytes(
        ("""{"jsonrpc": "2.0", "id": 76, "error": {"code": 200, "message": "Odoo Server Error", "data": {"name": "odoo.exceptions.UserError", "debug": "Traceback (most recent call last):\n  File \"/opt/odoo/odoo/http.py\", line 1765, in _serve_db\n    return service_model.retrying(self._serve_ir_http, self.env)\n"""
        + new string('^', 400))[..512]);

    private readonly RequestClassifier _classifier = new();
    private RouteClassification _callButton;

    [GlobalSetup]
    public void Setup() => _callButton = _classifier.ClassifyRoute("POST", "/web/dataset/call_button");

    [Benchmark(Description = "path only: call_kw/sale.order/web_save")]
    public Operation PathOnlyCallKw() => _classifier.ClassifyRoute("POST", "/web/dataset/call_kw/sale.order/web_save").Operation;

    [Benchmark(Description = "path only: /web/assets/...")]
    public Operation PathOnlyStatic() => _classifier.ClassifyRoute("GET", "/web/assets/ece891d/web.assets_web.min.js").Operation;

    [Benchmark(Description = "path only: /web/image/res.partner/7/avatar_128")]
    public Operation PathOnlyImage() => _classifier.ClassifyRoute("GET", "/web/image/res.partner/7/avatar_128").Operation;

    [Benchmark(Description = "body peek: call_button sale.order action_confirm")]
    public Operation BodyPeekCallButton() =>
        _classifier.ClassifyBody(_callButton, "POST", "/web/dataset/call_button", CallButtonBody, CallButtonBody.Length);

    [Benchmark(Description = "both stages: call_button")]
    public Operation BothStagesCallButton() => _classifier.Classify("POST", "/web/dataset/call_button", CallButtonBody);

    [Benchmark(Description = "outcome: JSON-RPC result prefix")]
    public ResponseOutcome OutcomeResult() =>
        ResponseOutcomeDetector.Detect(200, "application/json; charset=utf-8", "", ResultPrefix, isCompleteBody: false);

    [Benchmark(Description = "outcome: JSON-RPC UserError prefix")]
    public ResponseOutcome OutcomeUserError() =>
        ResponseOutcomeDetector.Detect(200, "application/json; charset=utf-8", "", UserErrorPrefix, isCompleteBody: false);
}
