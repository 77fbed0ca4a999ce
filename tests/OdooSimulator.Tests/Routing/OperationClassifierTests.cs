using System.Text.Json.Nodes;
using OdooSimulator.Routing;

namespace OdooSimulator.Tests.Routing;

public sealed class OperationClassifierTests
{
    [Theory]
    [InlineData("GET", "/web/health", null, null, "health")]
    [InlineData("GET", "/web/assets/ece891d/web.assets_web.min.js", null, null, "static")]
    [InlineData("GET", "/partner_autocomplete/static/lib/jsvat.js", null, null, "static")]
    [InlineData("GET", "/report/pdf/sale.report_saleorder/9", null, null, "report.render")]
    [InlineData("GET", "/queue_job/runjob", null, null, "queue_job.run")]
    [InlineData("POST", "/web/login", null, null, "auth.login")]
    [InlineData("GET", "/web/login", null, null, "other")]
    [InlineData("POST", "/web/session/authenticate", null, null, "auth.login")]
    [InlineData("POST", "/web/dataset/call_button", "sale.order", "action_confirm", "sale_order.confirm")]
    [InlineData("POST", "/web/dataset/call_button", "account.move", "action_post", "invoice.post")]
    [InlineData("POST", "/web/dataset/call_button", "sale.advance.payment.inv", "create_invoices", "invoice.create")]
    [InlineData("POST", "/web/dataset/call_kw/sale.order/web_read", "sale.order", "web_read", "ui.read")]
    [InlineData("POST", "/web/dataset/call_kw/res.partner/name_search", "res.partner", "name_search", "ui.read")]
    [InlineData("POST", "/web/dataset/call_kw/sale.order/web_save", "sale.order", "web_save", "ui.write")]
    [InlineData("POST", "/web/dataset/call_button", "stock.picking", "button_validate", "ui.write")]
    [InlineData("GET", "/web", null, null, "other")]
    public void Classify_NamesTheOperation(string method, string path, string? model, string? rpcMethod, string expected)
    {
        var call = model is null ? null : RpcCall.Object(model, rpcMethod!, null, null);

        Assert.Equal(expected, OperationClassifier.Classify(method, path, call));
    }

    [Fact]
    public void Classify_CommonLoginOverRpc_IsALogin() =>
        Assert.Equal(SimOperations.AuthLogin, OperationClassifier.Classify("POST", "/jsonrpc", new RpcCall("common", string.Empty, "login", [], new JsonObject())));
}
