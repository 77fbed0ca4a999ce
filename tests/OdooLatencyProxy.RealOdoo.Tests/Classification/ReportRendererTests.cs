using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using OdooLatencyProxy.RealOdoo.Tests.Support;

namespace OdooLatencyProxy.RealOdoo.Tests.Classification;

public sealed class ReportRendererTests
{
    [Fact]
    public async Task PdfRenderedThroughTheProxy_RenderersOwnRequestsAreReportAssets_NotUiBootstrapOrStatic()
    {
        var odoo = RealOdooServer.Require();
        await using var proxy = await ProxyInFront.StartAsync(odoo);
        using var client = ProxyInFront.Client(proxy);
        using var direct = new HttpClient { BaseAddress = odoo.Url, Timeout = TimeSpan.FromSeconds(60) };

        // As after the first admin login through the proxy: Odoo's renderer fetches the report's assets from the proxy.
        var previous = await SetReportUrlAsync(direct, odoo, proxy.PublicUri.ToString().TrimEnd('/'));
        try
        {
            var session = await OdooSession.LoginAsync(client, odoo);
            var order = await session.CreateAsync("sale.order", new JsonObject { ["partner_id"] = await session.CreateAsync("res.partner", new JsonObject { ["name"] = "Report renderer test" }) });

            using var response = await session.GetAsync($"/report/pdf/sale.report_saleorder/{order}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("application/pdf", response.Content.Headers.ContentType?.MediaType);
            Assert.StartsWith("%PDF", System.Text.Encoding.ASCII.GetString((await response.Content.ReadAsByteArrayAsync())[..4]));

            // The renderer asked for "/" and the report's stylesheets while the PDF was made: counted apart from people's pages.
            var counts = await ProxyInFront.OperationCountsAsync(proxy);
            Assert.True(counts.GetValueOrDefault("report.assets") >= 2, "report.assets: " + string.Join(", ", counts));
            Assert.Equal(1, counts.GetValueOrDefault("report.render"));
            Assert.False(counts.ContainsKey("ui.bootstrap"), "ui.bootstrap: " + string.Join(", ", counts));
            Assert.False(counts.ContainsKey("static"), "static: " + string.Join(", ", counts));
        }
        finally
        {
            await SetReportUrlAsync(direct, odoo, previous);
        }
    }

    /// <summary>Sets the system parameter <c>report.url</c> over XML-RPC (null removes it); returns the value it had.</summary>
    private static async Task<string?> SetReportUrlAsync(HttpClient direct, RealOdooServer odoo, string? value)
    {
        var uid = await XmlRpcAsync(direct, "/xmlrpc/2/common", "authenticate",
            $"<param><value><string>{odoo.Database}</string></value></param><param><value><string>{odoo.Login}</string></value></param>"
            + $"<param><value><string>{odoo.Password}</string></value></param><param><value><struct/></value></param>");
        string Execute(string method, string args) =>
            $"<param><value><string>{odoo.Database}</string></value></param><param><value><int>{uid}</int></value></param>"
            + $"<param><value><string>{odoo.Password}</string></value></param><param><value><string>ir.config_parameter</string></value></param>"
            + $"<param><value><string>{method}</string></value></param><param><value><array><data>{args}</data></array></value></param>";
        var previous = await XmlRpcAsync(direct, "/xmlrpc/2/object", "execute_kw", Execute("get_param", "<value><string>report.url</string></value>"));
        await XmlRpcAsync(direct, "/xmlrpc/2/object", "execute_kw",
            Execute("set_param", $"<value><string>report.url</string></value><value>{(value is null ? "<boolean>0</boolean>" : $"<string>{value}</string>")}</value>"));
        return previous is "" or "0" ? null : previous;
    }

    private static async Task<string> XmlRpcAsync(HttpClient direct, string path, string method, string parameters)
    {
        using var response = await direct.PostAsync(path, new StringContent(
            $"<?xml version=\"1.0\"?><methodCall><methodName>{method}</methodName><params>{parameters}</params></methodCall>", System.Text.Encoding.UTF8, "text/xml"));
        var xml = System.Xml.Linq.XDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Null(xml.Descendants("fault").FirstOrDefault());
        return xml.Descendants("value").First().Value;
    }
}
