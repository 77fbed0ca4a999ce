using System.Text;
using System.Xml.Linq;
using OdooLatencyProxy.Testing.Http;
using OdooSimulator.Tests.Support;
using OdooSimulator.Hosting;

namespace OdooSimulator.Tests.Routing;

public sealed class XmlRpcTests
{
    [Fact]
    public async Task CommonVersion_AnswersAMethodResponseLikePythonsXmlrpcClient()
    {
        await using var sim = await Sim.StartAsync();

        var response = await PostAsync(sim, "/xmlrpc/2/common", "version");

        Assert.Equal(200, response.Status);
        Assert.Equal("text/xml; charset=utf-8", response.Header("Content-Type"));
        Assert.StartsWith("<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n<value><struct>\n<member>\n<name>server_version</name>\n<value><string>17.0</string></value>\n", response.BodyText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CommonLogin_ReturnsTheUid_OrFalse()
    {
        await using var sim = await Sim.StartAsync();

        var good = await PostAsync(sim, "/xmlrpc/2/common", "login", S("odoo"), S("admin"), S("admin"));
        var bad = await PostAsync(sim, "/xmlrpc/2/common", "login", S("odoo"), S("admin"), S("nope"));

        Assert.Equal("2", Value(good).Element("int")!.Value);
        Assert.Equal("0", Value(bad).Element("boolean")!.Value);
        // XML-RPC common is named by path alone, as the proxy names it: external API traffic.
        Assert.Equal(2, sim.OperationCounts()[OdooLatencyProxy.Odoo.Classification.OperationNames.Api]);
    }

    [Fact]
    public async Task ObjectExecuteKw_SearchRead_ReturnsAnArrayOfStructs()
    {
        await using var sim = await Sim.StartAsync();

        var response = await PostAsync(sim, "/xmlrpc/2/object", "execute_kw", S("odoo"), "<value><int>2</int></value>", S("admin"), S("res.partner"), S("search_read"),
            "<value><array><data><value><array><data></data></array></value></data></array></value>",
            "<value><struct><member><name>fields</name><value><array><data><value><string>name</string></value></data></array></value></member><member><name>limit</name><value><int>3</int></value></member></struct></value>");

        var records = Value(response).Element("array")!.Element("data")!.Elements("value").ToList();
        Assert.Equal(3, records.Count);
        Assert.Equal(["id", "name"], records[0].Element("struct")!.Elements("member").Select(m => m.Element("name")!.Value));
        Assert.Equal(1, sim.OperationCounts()[SimOperations.UiRead]);
    }

    [Fact]
    public async Task ObjectExecuteKw_WithAWrongPassword_GivesFault3AccessDenied()
    {
        await using var sim = await Sim.StartAsync();

        var response = await PostAsync(sim, "/xmlrpc/2/object", "execute_kw", S("odoo"), "<value><int>2</int></value>", S("wrong"), S("res.partner"), S("read"));

        Assert.Equal(200, response.Status);
        Assert.Equal((3, "Access Denied"), Fault(response));
    }

    [Fact]
    public async Task RpcErrorHeader_GivesFault2WithTheUserErrorMessage_InAnHttp200()
    {
        await using var sim = await Sim.StartAsync();

        var response = await PostAsync(sim, "/xmlrpc/2/object", "execute_kw", [("X-Sim-Fail", "rpc_error")], S("odoo"), "<value><int>2</int></value>", S("admin"), S("sale.order"), S("action_confirm"));

        Assert.Equal(200, response.Status);
        Assert.Equal((2, "The following orders are not in a state requiring confirmation: S00010"), Fault(response));
        Assert.Equal(1, sim.OperationCounts()[SimOperations.SaleOrderConfirm]);
    }

    [Fact]
    public async Task NotXml_GivesAnApplicationFault()
    {
        await using var sim = await Sim.StartAsync();

        var response = await RawHttp.SendAsync(sim.HttpUri, "POST", "/xmlrpc/2/object", [("Content-Type", "text/xml")], "<not-a-call"u8.ToArray());

        Assert.Equal(200, response.Status);
        Assert.Equal(1, Fault(response).Code);
    }

    private static string S(string value) => $"<value><string>{value}</string></value>";

    private static Task<RawResponse> PostAsync(OdooSimulatorServer sim, string path, string method, params string[] values) =>
        PostAsync(sim, path, method, [], values);

    private static Task<RawResponse> PostAsync(OdooSimulatorServer sim, string path, string method, (string, string)[] headers, params string[] values)
    {
        var call = $"<?xml version='1.0'?>\n<methodCall>\n<methodName>{method}</methodName>\n<params>\n{string.Concat(values.Select(v => $"<param>\n{v}\n</param>\n"))}</params>\n</methodCall>\n";
        return RawHttp.SendAsync(sim.HttpUri, "POST", path, [("Content-Type", "text/xml"), .. headers], Encoding.UTF8.GetBytes(call));
    }

    private static XElement Value(RawResponse response) =>
        XDocument.Parse(response.BodyText).Root!.Element("params")!.Element("param")!.Element("value")!;

    private static (int Code, string Message) Fault(RawResponse response)
    {
        var members = XDocument.Parse(response.BodyText).Root!.Element("fault")!.Element("value")!.Element("struct")!.Elements("member")
            .ToDictionary(m => m.Element("name")!.Value, m => m.Element("value")!.Elements().First().Value);
        return (int.Parse(members["faultCode"], System.Globalization.CultureInfo.InvariantCulture), members["faultString"]);
    }
}
