using System.Text;
using OdooSimulator.Http;
using OdooSimulator.Routing;

namespace OdooSimulator.Tests.Routing;

/// <summary>The simulator names requests with the shared classifier, so its latency profiles key on the proxy's names.</summary>
public sealed class OperationClassifierTests
{
    [Theory]
    [InlineData("GET", "/web/health", null, "health")]
    [InlineData("GET", "/web/assets/ece891d/web.assets_web.min.js", null, "static")]
    [InlineData("GET", "/partner_autocomplete/static/lib/jsvat.js", null, "static")]
    [InlineData("GET", "/report/pdf/sale.report_saleorder/9", null, "report.render")]
    [InlineData("GET", "/queue_job/runjob", null, "queue_job.run")]
    [InlineData("POST", "/web/login", null, "auth.login")]
    [InlineData("POST", "/web/session/authenticate", null, "auth.login")]
    [InlineData("POST", "/web/dataset/call_button", """{"params":{"model":"sale.order","method":"action_confirm","args":[[1]]}}""", "sale_order.confirm")]
    [InlineData("POST", "/web/dataset/call_button", """{"params":{"model":"account.move","method":"action_post","args":[[1]]}}""", "invoice.post")]
    [InlineData("POST", "/web/dataset/call_button", """{"params":{"model":"sale.advance.payment.inv","method":"create_invoices","args":[[1]]}}""", "invoice.create")]
    [InlineData("POST", "/web/dataset/call_kw/sale.order/web_read", null, "ui.read")]
    [InlineData("POST", "/web/dataset/call_kw/res.partner/name_search", null, "ui.read")]
    [InlineData("POST", "/web/dataset/call_kw/sale.order/web_save", null, "ui.write")]
    [InlineData("POST", "/web/dataset/call_button", """{"params":{"model":"stock.picking","method":"button_validate","args":[[1]]}}""", "picking.validate")]
    [InlineData("GET", "/web", null, "ui.bootstrap")]
    public void Classify_NamesTheOperationAsTheProxyDoes(string method, string path, string? body, string expected)
    {
        var bytes = Encoding.UTF8.GetBytes(body ?? string.Empty);
        var request = new SimRequest
        {
            Method = method,
            Path = path,
            Query = string.Empty,
            Version = "HTTP/1.1",
            Headers = [],
            Body = bytes,
            BodyLength = bytes.Length,
        };

        Assert.Equal(expected, OperationClassifier.Classify(request));
    }
}
