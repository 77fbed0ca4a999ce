using System.Text.Json;
using OdooLatencyProxy.LoadTest.Engine;
using OdooLatencyProxy.LoadTest.Scenarios;

namespace OdooLatencyProxy.LoadTest.Tests.Scenarios;

public sealed class VersionShapeTests
{
    private const string Json = """
        {
          "name": "shapes",
          "parameters": { "order_id": 5 },
          "steps": [ { "name": "quote", "requests": [
            { "onchange": { "model": "sale.order", "values": {},
                "spec": { "partner_id": { "fields": { "display_name": {} } }, "order_line": { "fields": { "product_id": {}, "product_uom_qty": {} } } } } },
            { "callButton": { "model": "sale.order", "method": "action_confirm", "args": [["{{order_id}}"]] } },
            { "callKw": { "model": "sale.order", "method": "web_read", "args": [["{{order_id}}"]], "kwargs": { "specification": { "name": {} } } },
              "variants": { "16": { "callKw": { "model": "sale.order", "method": "read", "args": [["{{order_id}}"], ["name"]] } } } }
          ] } ]
        }
        """;

    private static (string Path, JsonElement Params) Render(Scenario scenario, int request)
    {
        var compiled = scenario.Steps[0].Requests[request];
        var values = new StepValues(scenario, new Session(null), new Random(1), () => 1);
        var body = JsonDocument.Parse(compiled.Body!.Render(values.Get)).RootElement;
        return (compiled.Path.Render(values.Get), body.GetProperty("params"));
    }

    [Fact]
    public void Onchange_On17AndLater_SendsTheFieldsSpecificationAsIs()
    {
        foreach (var version in new[] { 17, 18, 19 })
        {
            var (path, parameters) = Render(Scenario.Parse(Json, "shapes").ForVersion(version), 0);

            Assert.Equal("/web/dataset/call_kw/sale.order/onchange", path);
            var args = parameters.GetProperty("args");
            Assert.Equal(4, args.GetArrayLength());
            Assert.Equal("[]", args[0].GetRawText());
            Assert.Equal("{}", args[1].GetRawText());
            Assert.Equal("[]", args[2].GetRawText());
            Assert.Equal("display_name", args[3].GetProperty("partner_id").GetProperty("fields").EnumerateObject().Single().Name);
        }
    }

    [Fact]
    public void Onchange_On16_SendsTheFlatFieldOnchangeMap()
    {
        var (_, parameters) = Render(Scenario.Parse(Json, "shapes").ForVersion(16), 0);

        var fieldOnchange = parameters.GetProperty("args")[3];
        Assert.Equal(
            ["partner_id", "partner_id.display_name", "order_line", "order_line.product_id", "order_line.product_uom_qty"],
            fieldOnchange.EnumerateObject().Select(p => p.Name));
        Assert.All(fieldOnchange.EnumerateObject(), p => Assert.Equal("1", p.Value.GetString()));
    }

    [Theory]
    [InlineData(16, "/web/dataset/call_button")]
    [InlineData(17, "/web/dataset/call_button")]
    [InlineData(18, "/web/dataset/call_button/sale.order/action_confirm")]
    [InlineData(19, "/web/dataset/call_button/sale.order/action_confirm")]
    public void CallButton_FollowsTheServersVersion(int version, string expectedPath)
    {
        var (path, parameters) = Render(Scenario.Parse(Json, "shapes").ForVersion(version), 1);

        Assert.Equal(expectedPath, path);
        Assert.Equal(5, parameters.GetProperty("args")[0][0].GetInt32());
    }

    [Theory]
    [InlineData(16, "read")]
    [InlineData(17, "web_read")]
    [InlineData(18, "web_read")]
    public void Variant_ForTheServersVersion_ReplacesTheRequest(int version, string method)
    {
        var (path, parameters) = Render(Scenario.Parse(Json, "shapes").ForVersion(version), 2);

        Assert.Equal($"/web/dataset/call_kw/sale.order/{method}", path);
        Assert.Equal(method, parameters.GetProperty("method").GetString());
    }

    [Fact]
    public void Placeholder_NotYetCaptured_IsAScenarioError()
    {
        var json = """
            { "steps": [ { "name": "confirm", "requests": [
                { "callButton": { "model": "sale.order", "method": "action_confirm", "args": [["{{order_id}}"]] } },
                { "callKw": { "model": "sale.order", "method": "web_save", "args": [[], {}] }, "capture": { "order_id": "result[0].id" } } ] } ] }
            """;

        var error = Assert.Throws<ScenarioException>(() => Scenario.Parse(json, "order"));
        Assert.Contains("'{{order_id}}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Put_OfAValueTheStepNeverHas_IsAScenarioError()
    {
        var json = """{ "steps": [ { "name": "s", "put": { "orders": "order_id" }, "request": { "get": "/web" } } ] }""";

        var error = Assert.Throws<ScenarioException>(() => Scenario.Parse(json, "put"));
        Assert.Contains("puts 'order_id' into pool 'orders'", error.Message, StringComparison.Ordinal);
    }
}
