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

    /// <summary>Sets the system parameter <c>report.url</c> (null clears it) straight on Odoo; returns the value it had.</summary>
    private static async Task<string?> SetReportUrlAsync(HttpClient direct, RealOdooServer odoo, string? value)
    {
        var admin = await OdooSession.LoginAsync(direct, odoo);
        var previous = await admin.CallKwAsync("ir.config_parameter", "get_param", ["report.url"]);
        await admin.CallKwAsync("ir.config_parameter", "set_param", ["report.url", value is null ? false : value]);
        return previous?.GetValueKind() == JsonValueKind.String ? previous.GetValue<string>() : null;
    }
}
