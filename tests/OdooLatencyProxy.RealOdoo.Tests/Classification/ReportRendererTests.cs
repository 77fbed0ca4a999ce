using System.Net;
using System.Net.Http.Json;
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
            var session = await LoginAsync(client, odoo);
            var order = await CallKwAsync(client, session, "sale.order", "create",
                new JsonArray(new JsonObject { ["partner_id"] = await CallKwAsync(client, session, "res.partner", "create", new JsonArray(new JsonObject { ["name"] = "Report renderer test" })) }));

            using var pdf = new HttpRequestMessage(HttpMethod.Get, $"/report/pdf/sale.report_saleorder/{order}");
            pdf.Headers.Add("Cookie", session);
            using var response = await client.SendAsync(pdf);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("application/pdf", response.Content.Headers.ContentType?.MediaType);
            Assert.StartsWith("%PDF", System.Text.Encoding.ASCII.GetString((await response.Content.ReadAsByteArrayAsync())[..4]));

            // The renderer asked for "/" and the report's stylesheets while the PDF was made: counted apart from people's pages.
            var counts = await OperationCountsAsync(proxy.AdminUri);
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

    private static async Task<Dictionary<string, long>> OperationCountsAsync(Uri admin)
    {
        using var http = new HttpClient { BaseAddress = admin };
        using var doc = JsonDocument.Parse(await http.GetStringAsync("/api/operations"));
        return doc.RootElement.GetProperty("operations").EnumerateArray()
            .Select(o => (Name: o.GetProperty("operation").GetString()!, Count: o.GetProperty("windows").GetProperty("5m").GetProperty("count").GetInt64()))
            .Where(o => o.Count > 0)
            .ToDictionary(o => o.Name, o => o.Count);
    }

    private static async Task<string> LoginAsync(HttpClient client, RealOdooServer odoo)
    {
        using var response = await client.PostAsJsonAsync("/web/session/authenticate", new
        {
            jsonrpc = "2.0", method = "call", id = 1, @params = new { db = odoo.Database, login = odoo.Login, password = odoo.Password },
        });
        response.EnsureSuccessStatusCode();
        var cookie = response.Headers.GetValues("Set-Cookie").First(c => c.StartsWith("session_id=", StringComparison.Ordinal));
        return cookie[..cookie.IndexOf(';', StringComparison.Ordinal)];
    }

    private static async Task<long> CallKwAsync(HttpClient client, string session, string model, string method, JsonArray args)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/web/dataset/call_kw/{model}/{method}")
        {
            Content = JsonContent.Create(new JsonObject
            {
                ["jsonrpc"] = "2.0", ["method"] = "call", ["id"] = 1,
                ["params"] = new JsonObject { ["model"] = model, ["method"] = method, ["args"] = args, ["kwargs"] = new JsonObject() },
            }),
        };
        request.Headers.Add("Cookie", session);
        using var response = await client.SendAsync(request);
        var answer = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        return answer["result"]?.GetValue<long>() ?? throw new InvalidOperationException($"{model}.{method}: {answer["error"]}");
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
