using System.Text;
using OdooLatencyProxy.LoadTest.Engine;
using OdooLatencyProxy.LoadTest.Scenarios;
using OdooLatencyProxy.LoadTest.Tests.Support;
using OdooLatencyProxy.Odoo.Classification;

namespace OdooLatencyProxy.LoadTest.Tests.Scenarios;

public sealed class ScenarioTests
{
    public static TheoryData<string, string[]> Shipped => new()
    {
        { "sales-day", ["ui.read", "ui.write", "sale_order.confirm", "invoice.create", "invoice.post", "report.render", "ui.bootstrap", "static"] },
        { "accounting-close", ["invoice.post", "payment.register", "ui.read", "ui.write", "report.render"] },
        { "webshop-peak", ["shop.browse", "shop.cart", "shop.checkout", "file.download", "static"] },
        { "long-job-holds-workers", ["ui.read", "ui.write", "sale_order.confirm", "invoice.post", "queue_job.run"] },
    };

    [Theory]
    [MemberData(nameof(Shipped))]
    public void ShippedScenario_LoadsAndItsRequestsAreNamedByTheSharedClassifier(string name, string[] expected)
    {
        var scenario = Scenario.Load(TestSupport.ShippedScenario(name));
        var classifier = new RequestClassifier();
        var session = new Session(scenario.File.Login) { Uid = 2 };
        var random = new Random(3);
        var names = new HashSet<string>();
        foreach (var step in scenario.Steps.Concat(scenario.Seed).Append(scenario.Background.Select(b => b.Step).FirstOrDefault()).OfType<CompiledStep>())
        {
            var values = new StepValues(scenario, session, random, () => 1);
            // Pools are empty and nothing was captured outside a run: any record id names the request the same way.
            TemplateValue Get(string name)
            {
                try
                {
                    return values.Get(name);
                }
                catch (Exception e) when (e is PoolEmptyException or KeyNotFoundException)
                {
                    return TemplateValue.Number(5);
                }
            }

            foreach (var request in step.Requests)
            {
                var path = request.Path.Render(Get);
                var body = request.Body is null ? [] : Encoding.UTF8.GetBytes(request.Body.Render(Get));
                names.Add(classifier.Classify(request.Method, path.Split('?')[0], body).Name);
            }
        }

        foreach (var operation in expected)
        {
            Assert.Contains(operation, names);
        }

        Assert.DoesNotContain(OperationNames.Other, names);
        Assert.DoesNotContain(OperationNames.RpcOther, names);
    }

    [Fact]
    public void JsonPlaceholder_WholeStringBecomesTheTypedValue_InsideAStringItIsText()
    {
        var template = Template.Compile("""{"args":[["{{order_id}}"]],"name":"SO{{order_id}}","db":"{{db}}"}""", TemplateContext.Json);
        var text = template.Render(n => n == "order_id" ? TemplateValue.Number(42) : TemplateValue.String("my \"db\""));
        Assert.Equal("""{"args":[[42]],"name":"SO42","db":"my \"db\""}""", text);
    }

    [Fact]
    public void XmlRpcPlaceholder_IsATypedValue_AndTheBodyIsReadByTheClassifier()
    {
        var scenario = Scenario.Load(TestSupport.ShippedScenario("accounting-close"));
        var request = scenario.Steps.Single(s => s.Name.Contains("XML-RPC", StringComparison.Ordinal)).Requests[0];
        var values = new StepValues(scenario, new Session(scenario.File.Login) { Uid = 7 }, new Random(1), () => 1);
        var xml = request.Body!.Render(values.Get);
        Assert.Contains("<value><int>7</int></value>", xml, StringComparison.Ordinal);
        Assert.Contains("<value><string>odoo</string></value>", xml, StringComparison.Ordinal);
        Assert.Equal("ui.read", new RequestClassifier().Classify("POST", "/xmlrpc/2/object", Encoding.UTF8.GetBytes(xml)).Name);
    }

    [Fact]
    public void StepValues_PickEachParameterOncePerStep()
    {
        var scenario = Scenario.Parse("""
            { "parameters": { "order_id": { "from": 1, "to": 1000000 } },
              "steps": [ { "requests": [ { "get": "/a/{{order_id}}" }, { "get": "/b/{{order_id}}" } ] } ] }
            """, "inline");
        var values = new StepValues(scenario, new Session(null), new Random(5), () => 1);
        var step = scenario.Steps[0];
        Assert.Equal(step.Requests[0].Path.Render(values.Get)[3..], step.Requests[1].Path.Render(values.Get)[3..]);
    }

    [Theory]
    [InlineData("""{ "steps": [] }""", "no steps")]
    [InlineData("""{ "steps": [ { "get": "/x" } ] }""", "has no request")]
    [InlineData("""{ "steps": [ { "request": { "get": "/x/{{nope}}" } } ] }""", "'{{nope}}'")]
    [InlineData("""{ "steps": [ { "weight": 0, "request": { "get": "/x" } } ] }""", "positive weight")]
    [InlineData("""{ "steps": [ { "request": { "get": "/x", "callKw": { "model": "a.b", "method": "read" } } } ] }""", "exactly one of")]
    public void BrokenScenario_IsRefusedWithTheReason(string json, string reason)
    {
        var error = Assert.Throws<ScenarioException>(() => Scenario.Parse(json, "inline"));
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WeightedPick_FollowsTheWeights()
    {
        var scenario = Scenario.Parse("""{ "steps": [ { "name": "a", "weight": 9, "request": { "get": "/a" } }, { "name": "b", "weight": 1, "request": { "get": "/b" } } ] }""", "inline");
        var random = new Random(11);
        var a = Enumerable.Range(0, 10_000).Count(_ => scenario.PickStep(random).Name == "a");
        Assert.InRange(a, 8_700, 9_300);
    }
}
