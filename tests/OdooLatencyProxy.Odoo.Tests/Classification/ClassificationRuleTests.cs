using Microsoft.Extensions.Configuration;
using OdooLatencyProxy.Odoo.Classification;
using static OdooLatencyProxy.Odoo.Tests.Classification.Bodies;

namespace OdooLatencyProxy.Odoo.Tests.Classification;

public sealed class ClassificationRuleTests
{
    private static RequestClassifier With(params ClassificationRule[] rules) => new(new ClassificationOptions { Rules = rules });

    [Fact]
    public void RuleOnModelAndMethod_OverridesTheBuiltInName_ForEveryUrlForm()
    {
        var classifier = With(new ClassificationRule { Name = "sales.order_confirmation", Model = "sale.order", Method = "action_confirm", ThresholdSeconds = 8 });

        var viaBody = classifier.Classify("POST", "/web/dataset/call_button", PythonCallButton("sale.order", "action_confirm"));
        var via18 = classifier.ClassifyRoute("POST", "/web/dataset/call_button/sale.order/action_confirm").Operation;
        var via19 = classifier.ClassifyRoute("POST", "/json/2/sale.order/action_confirm").Operation;
        var viaXmlRpc = classifier.Classify("POST", "/xmlrpc/2/object", XmlRpcExecuteKw("sale.order", "action_confirm"));

        Assert.All(new[] { viaBody, via18, via19, viaXmlRpc }, op => Assert.Equal("sales.order_confirmation", op.Name));
        Assert.Equal(8, viaBody.ThresholdSeconds);
        Assert.Equal("invoice.post", classifier.ClassifyRoute("POST", "/json/2/account.move/action_post").Operation.Name);
    }

    [Fact]
    public void RuleOnPathGlob_AddsANameForACustomRoute()
    {
        var classifier = With(new ClassificationRule { Name = "integration.shopify", Path = "/shopify_connector/**", HttpMethod = "post" });

        Assert.Equal("integration.shopify", classifier.ClassifyRoute("POST", "/shopify_connector/orders/create").Operation.Name);
        Assert.Equal("integration.shopify", classifier.ClassifyRoute("POST", "/shopify_connector").Operation.Name);
        Assert.Equal("other", classifier.ClassifyRoute("GET", "/shopify_connector/orders/create").Operation.Name);
        Assert.Equal("other", classifier.ClassifyRoute("POST", "/shopify_connector_x").Operation.Name);
    }

    [Fact]
    public void RuleOnSingleSegmentGlob_DoesNotCrossSlashes()
    {
        var classifier = With(new ClassificationRule { Name = "report.invoice", Path = "/report/pdf/account.report_invoice*/*" });

        Assert.Equal("report.invoice", classifier.ClassifyRoute("GET", "/report/pdf/account.report_invoice_with_payments/8").Operation.Name);
        Assert.Equal("report.render", classifier.ClassifyRoute("GET", "/report/pdf/account.report_invoice/8/9").Operation.Name);
        Assert.Equal("report.render", classifier.ClassifyRoute("GET", "/report/pdf/sale.report_saleorder/9").Operation.Name);
    }

    [Fact]
    public void RuleOnPathRegex_Matches()
    {
        var classifier = With(new ClassificationRule { Name = "api.v2", PathRegex = "^/api/v[0-9]+/" });

        Assert.Equal("api.v2", classifier.ClassifyRoute("GET", "/api/v2/orders").Operation.Name);
        Assert.Equal("other", classifier.ClassifyRoute("GET", "/api/vx/orders").Operation.Name);
    }

    [Fact]
    public void RuleOnModelOnly_NamesEveryMethodOfThatModel()
    {
        var classifier = With(new ClassificationRule { Name = "helpdesk", Model = "helpdesk.ticket" });

        Assert.Equal("helpdesk", classifier.ClassifyRoute("POST", "/web/dataset/call_kw/helpdesk.ticket/web_save").Operation.Name);
        Assert.Equal("helpdesk", classifier.Classify("POST", "/jsonrpc", JsonRpcExecuteKw("helpdesk.ticket", "write")).Name);
        Assert.Equal("ui.write", classifier.ClassifyRoute("POST", "/web/dataset/call_kw/res.partner/web_save").Operation.Name);
    }

    [Fact]
    public void RuleOnMethodOnly_NamesThatMethodOnEveryModel()
    {
        var classifier = With(new ClassificationRule { Name = "mail.send", Method = "action_send_mail" });

        Assert.Equal("mail.send", classifier.ClassifyRoute("POST", "/web/dataset/call_button/mail.compose.message/action_send_mail").Operation.Name);
        Assert.Equal("mail.send", classifier.Classify("POST", "/web/dataset/call_button", BrowserCallButton("account.move.send", "action_send_mail")).Name);
    }

    [Fact]
    public void RuleOnActionId_NamesAServerAction()
    {
        var classifier = With(
            new ClassificationRule { Name = "crm.mass_assign", ActionId = "512", ThresholdSeconds = 30 },
            new ClassificationRule { Name = "crm.mass_mail", ActionId = "crm.action_mass_mail" });

        Assert.Equal("crm.mass_assign", classifier.Classify("POST", "/web/action/run", ActionRun("512")).Name);
        Assert.Equal("crm.mass_mail", classifier.Classify("POST", "/web/action/run", ActionRun("\"crm.action_mass_mail\"")).Name);
        Assert.Equal("rpc:action.513", classifier.Classify("POST", "/web/action/run", ActionRun("513")).Name);
        Assert.Equal([30.0], classifier.ThresholdsSeconds);
    }

    [Fact]
    public void RuleCombiningPathAndModel_MatchesOnlyBoth()
    {
        var classifier = With(new ClassificationRule { Name = "integration.read", Path = "/xmlrpc/**", Method = "search_read" });

        Assert.Equal("integration.read", classifier.Classify("POST", "/xmlrpc/2/object", XmlRpcExecuteKw("res.partner", "search_read")).Name);
        Assert.Equal("ui.read", classifier.ClassifyRoute("POST", "/web/dataset/call_kw/res.partner/search_read").Operation.Name);
    }

    [Fact]
    public void FirstMatchingRule_Wins()
    {
        var classifier = With(
            new ClassificationRule { Name = "first", Model = "sale.order" },
            new ClassificationRule { Name = "second", Model = "sale.order", Method = "action_confirm" });

        Assert.Equal("first", classifier.ClassifyRoute("POST", "/json/2/sale.order/action_confirm").Operation.Name);
    }

    [Fact]
    public void PathOnlyRuleAheadOfBodyRules_DecidesWithoutTheBody()
    {
        var classifier = With(
            new ClassificationRule { Name = "buttons", Path = "/web/dataset/call_button" },
            new ClassificationRule { Name = "never", Model = "sale.order" });

        var route = classifier.ClassifyRoute("POST", "/web/dataset/call_button");

        Assert.False(route.NeedsBody);
        Assert.Equal("buttons", route.Operation.Name);
    }

    [Fact]
    public void PathOnlyRuleBehindABodyRule_StillAppliesWhenTheBodyRuleDoesNot()
    {
        var classifier = With(
            new ClassificationRule { Name = "confirm", Model = "sale.order", Method = "action_confirm" },
            new ClassificationRule { Name = "buttons", Path = "/web/dataset/call_button" });

        Assert.True(classifier.ClassifyRoute("POST", "/web/dataset/call_button").NeedsBody);
        Assert.Equal("confirm", classifier.Classify("POST", "/web/dataset/call_button", PythonCallButton("sale.order", "action_confirm")).Name);
        Assert.Equal("buttons", classifier.Classify("POST", "/web/dataset/call_button", PythonCallButton("account.move", "action_post")).Name);
        Assert.Equal("buttons", classifier.Classify("POST", "/web/dataset/call_button", Utf8("not json")).Name);
    }

    [Fact]
    public void RuleWithoutCriteria_OnlySetsTheThresholdOfABuiltInOperation()
    {
        var classifier = With(
            new ClassificationRule { Name = "sale_order.confirm", ThresholdSeconds = 4 },
            new ClassificationRule { Name = "invoice.post", ThresholdSeconds = 2.5 });

        var operation = classifier.Classify("POST", "/web/dataset/call_button", BrowserCallButton("sale.order", "action_confirm"));

        Assert.Equal("sale_order.confirm", operation.Name);
        Assert.Equal(4, operation.ThresholdSeconds);
        Assert.Equal([2.5, 4.0], classifier.ThresholdsSeconds);
        Assert.Equal("other", classifier.ClassifyRoute("GET", "/anything").Operation.Name);
    }

    public static TheoryData<ClassificationRule, string> BadRules => new()
    {
        { new ClassificationRule { Name = "bad.regex", PathRegex = "^/web/(unclosed" }, "path pattern does not compile" },
        { new ClassificationRule { Name = "", Path = "/x" }, "Name is required" },
        { new ClassificationRule { Path = "/x" }, "Name is required" },
        { new ClassificationRule { Name = "Sale Order", Path = "/x" }, "Name must start with a lower case letter" },
        { new ClassificationRule { Name = "rpc:sneaky", Path = "/x" }, "Name must start with a lower case letter" },
        { new ClassificationRule { Name = "x{label=\"1\"}", Path = "/x" }, "Name must start with a lower case letter" },
        { new ClassificationRule { Name = "both", Path = "/x", PathRegex = "/x" }, "not both" },
        { new ClassificationRule { Name = "mixed", ActionId = "5", Model = "sale.order" }, "ActionId cannot be combined" },
        { new ClassificationRule { Name = "bad.model", Model = "sale order" }, "Model 'sale order' is not valid" },
        { new ClassificationRule { Name = "slow", Path = "/x", ThresholdSeconds = -1 }, "positive number of seconds" },
        { new ClassificationRule { Name = "slow", Path = "/x", ThresholdSeconds = double.NaN }, "positive number of seconds" },
        { new ClassificationRule { Name = "empty.path", Path = "" }, "Path is empty" },
    };

    [Theory]
    [MemberData(nameof(BadRules))]
    public void RuleThatCannotCompile_IsAStartUpErrorNamingTheRule(ClassificationRule bad, string reason)
    {
        var ok = new ClassificationRule { Name = "fine", Path = "/fine" };

        var error = Assert.Throws<ClassificationRuleException>(() => With(ok, bad));

        Assert.Equal(1, error.RuleIndex);
        Assert.Equal(bad.Name, error.RuleName);
        Assert.StartsWith($"Classification rule #1 ('{bad.Name ?? "<no name>"}')", error.Message, StringComparison.Ordinal);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ConflictingThresholdsForOneName_AreAStartUpError()
    {
        var error = Assert.Throws<ClassificationRuleException>(() => With(
            new ClassificationRule { Name = "x.y", Path = "/a", ThresholdSeconds = 1 },
            new ClassificationRule { Name = "x.y", Path = "/b", ThresholdSeconds = 2 }));

        Assert.Equal(1, error.RuleIndex);
    }

    [Fact]
    public void DocumentedAppSettingsShape_BindsToTheOptions()
    {
        // The shape docs/classification.md documents, bound the way the proxy binds it.
        const string json = """
            {
              "Classification": {
                "BodyPeekLimitBytes": 32768,
                "RpcNameBudget": 50,
                "Rules": [
                  { "Name": "sale_order.confirm", "ThresholdSeconds": 8 },
                  { "Name": "integration.shopify", "Path": "/shopify/**", "HttpMethod": "POST", "ThresholdSeconds": 2 },
                  { "Name": "crm.mass_mail", "ActionId": "512" }
                ]
              }
            }
            """;
        using var stream = new MemoryStream(Utf8(json));
        var configuration = new ConfigurationBuilder().AddJsonStream(stream).Build();

        var options = configuration.GetSection("Classification").Get<ClassificationOptions>()!;
        var classifier = new RequestClassifier(options);

        Assert.Equal(32768, classifier.BodyPeekLimitBytes);
        Assert.Equal(3, options.Rules.Count);
        Assert.Equal(8, classifier.FindOperation("sale_order.confirm")!.ThresholdSeconds);
        Assert.Equal("integration.shopify", classifier.ClassifyRoute("POST", "/shopify/orders").Operation.Name);
        Assert.Equal([2.0, 8.0], classifier.ThresholdsSeconds);
    }

    [Fact]
    public void EmptyConfiguration_GivesTheDefaults()
    {
        var options = new ConfigurationBuilder().Build().GetSection("Classification").Get<ClassificationOptions>() ?? new ClassificationOptions();

        Assert.Equal(16 * 1024, options.BodyPeekLimitBytes);
        Assert.Equal(200, options.RpcNameBudget);
        Assert.Empty(options.Rules);
    }
}
