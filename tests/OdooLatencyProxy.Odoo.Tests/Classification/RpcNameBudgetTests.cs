using System.Collections.Concurrent;
using OdooLatencyProxy.Odoo.Classification;
using static OdooLatencyProxy.Odoo.Tests.Classification.Bodies;

namespace OdooLatencyProxy.Odoo.Tests.Classification;

public sealed class RpcNameBudgetTests
{
    [Fact]
    public void HundredThousandRandomModelsAndMethods_CreateNoMoreNamesThanTheBudget()
    {
        var classifier = new RequestClassifier();
        var random = new Random(20261126);
        var seen = new ConcurrentDictionary<string, byte>(StringComparer.Ordinal);

        // From several threads at once: the budget must hold under contention.
        Parallel.For(0, 100_000, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
        {
            string model, method;
            lock (random)
            {
                model = RandomName(random) + "." + RandomName(random);
                method = RandomName(random);
            }

            var operation = (i % 3) switch
            {
                0 => classifier.ClassifyRoute("POST", $"/web/dataset/call_kw/{model}/{method}").Operation,
                1 => classifier.Classify("POST", "/web/dataset/call_button", PythonCallButton(model, method)),
                _ => classifier.ClassifyRoute("POST", $"/json/2/{model}/{method}").Operation,
            };
            seen.TryAdd(operation.Name, 0);
        });

        var rpcNames = seen.Keys.Where(n => n.StartsWith("rpc:", StringComparison.Ordinal) && n != "rpc:other").ToList();
        Assert.Equal(ClassificationOptions.DefaultRpcNameBudget, rpcNames.Count);
        Assert.Equal(ClassificationOptions.DefaultRpcNameBudget, classifier.RpcNameCount);
        Assert.Contains("rpc:other", seen.Keys);
        Assert.True(seen.Count <= ClassificationOptions.DefaultRpcNameBudget + OdooCatalog.AllOperationNames.Count);
    }

    [Fact]
    public void NamesKnownBeforeTheBudgetRanOut_KeepTheirName()
    {
        var classifier = new RequestClassifier(new ClassificationOptions { RpcNameBudget = 2 });

        var first = classifier.ClassifyRoute("POST", "/json/2/a.model/one").Operation;
        classifier.ClassifyRoute("POST", "/json/2/a.model/two");
        var third = classifier.ClassifyRoute("POST", "/json/2/a.model/three").Operation;

        Assert.Equal("rpc:a.model.one", first.Name);
        Assert.Equal("rpc:other", third.Name);
        Assert.Same(first, classifier.ClassifyRoute("POST", "/json/2/a.model/one").Operation);
        Assert.Equal("sale_order.confirm", classifier.ClassifyRoute("POST", "/json/2/sale.order/action_confirm").Operation.Name);
    }

    [Fact]
    public void ZeroBudget_NamesEveryUnknownPairRpcOther()
    {
        var classifier = new RequestClassifier(new ClassificationOptions { RpcNameBudget = 0 });

        Assert.Equal("rpc:other", classifier.ClassifyRoute("POST", "/json/2/a.model/one").Operation.Name);
        Assert.Equal("ui.read", classifier.ClassifyRoute("POST", "/json/2/a.model/read").Operation.Name);
    }

    [Fact]
    public void ServerActionIds_ShareTheSameBudget()
    {
        var classifier = new RequestClassifier(new ClassificationOptions { RpcNameBudget = 3 });

        for (var id = 0; id < 10; id++)
        {
            classifier.Classify("POST", "/web/action/run", ActionRun(id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        Assert.Equal(3, classifier.RpcNameCount);
    }

    private static string RandomName(Random random)
    {
        const string alphabet = "abcdefghijklmnopqrstuvwxyz_0123456789";
        var chars = new char[random.Next(1, 20)];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = alphabet[random.Next(alphabet.Length)];
        }

        return new string(chars);
    }
}
