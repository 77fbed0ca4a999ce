using System.Net;
using System.Text.Json;
using OdooLatencyProxy.RealOdoo.Tests.Support;

namespace OdooLatencyProxy.RealOdoo.Tests.Forwarding;

public sealed class SmokeTests
{
    [Fact]
    public async Task VersionInfo_ThroughTheProxy_IsTheRealOdoosAnswer()
    {
        var odoo = RealOdooServer.Require();
        await using var proxy = await ProxyInFront.StartAsync(odoo);
        using var client = ProxyInFront.Client(proxy);

        using var response = await client.PostAsync("/web/webclient/version_info",
            new StringContent("""{"jsonrpc":"2.0","method":"call","params":{},"id":1}""", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var serverVersion = json.RootElement.GetProperty("result").GetProperty("server_version_info");
        Assert.True(serverVersion[0].GetInt32() >= 16, $"Odoo answered version {serverVersion}");
    }
}
