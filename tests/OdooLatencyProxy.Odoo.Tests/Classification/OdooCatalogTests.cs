using OdooLatencyProxy.Odoo.Classification;

namespace OdooLatencyProxy.Odoo.Tests.Classification;

public sealed class OdooCatalogTests
{
    // The operation names docs/classification.md promises: the built-in catalog covers at least these.
    private static readonly string[] ContractNames =
    [
        "sale_order.confirm", "invoice.create", "invoice.post", "payment.register", "picking.validate", "purchase_order.confirm",
        "production.done", "quote.accept", "shop.checkout", "payment.webhook", "report.render", "auth.login", "ui.bootstrap",
        "ui.read", "ui.write", "file.download", "file.upload", "static", "realtime", "queue_job.run", "api", "health", "other",
    ];

    [Fact]
    public void Catalog_CoversEveryNameOfTheMetricContract() =>
        Assert.Empty(ContractNames.Except(OdooCatalog.AllOperationNames));

    [Fact]
    public void EveryBuiltInName_IsAValidLowerCaseName() =>
        Assert.All(OdooCatalog.AllOperationNames, name => Assert.Matches("^[a-z][a-z0-9_]*([.][a-z0-9_]+)*$|^rpc:other$", name));

    [Fact]
    public void EveryRoutePattern_IsReachable()
    {
        var classifier = new RequestClassifier();
        foreach (var route in OdooCatalog.Routes)
        {
            // Turn the pattern into a concrete path: "*" and "**" each become one segment.
            var path = route.Pattern.Replace("/**", "/x", StringComparison.Ordinal).Replace("*", "seg", StringComparison.Ordinal);
            var result = classifier.ClassifyRoute(route.HttpMethod ?? "GET", path);

            var expected = route.Handling == RouteHandling.ModelMethodInPath ? "rpc:seg.seg" : route.Operation;
            Assert.True(expected == result.Operation.Name, $"{route.Pattern} -> {result.Operation.Name}, expected {expected}");
            Assert.Equal(route.Handling is not RouteHandling.Named and not RouteHandling.ModelMethodInPath, result.NeedsBody);
        }
    }

    [Fact]
    public void BusinessPairs_AreUnique() =>
        Assert.Equal(OdooCatalog.BusinessOperations.Count, OdooCatalog.BusinessOperations.Select(b => (b.Model, b.Method)).Distinct().Count());

    [Fact]
    public void KnownOperations_HoldEveryBuiltInName() =>
        Assert.Equal(OdooCatalog.AllOperationNames.Order(), new RequestClassifier().KnownOperations.Select(o => o.Name).Order());
}
