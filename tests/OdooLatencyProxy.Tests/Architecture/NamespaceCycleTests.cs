using System.Reflection;
using OdooLatencyProxy.Hosting;

namespace OdooLatencyProxy.Tests.Architecture;

/// <summary>No namespace of the proxy depends on another that depends back on it, directly or around a loop.</summary>
public sealed class NamespaceCycleTests
{
    public static TheoryData<string> Assemblies => new()
    {
        "OdooLatencyProxy",
        "OdooLatencyProxy.Odoo",
        "OdooLatencyProxy.LoadTest",
        "OdooSimulator",
    };

    [Theory]
    [MemberData(nameof(Assemblies))]
    public void Assembly_HasNoNamespaceCycles(string assemblyName)
    {
        var graph = NamespaceGraph.FromAssembly(Load(assemblyName), assemblyName);

        var cycles = graph.Cycles();

        Assert.True(graph.Edges.Count > 1, $"{assemblyName}: fewer than two namespaces read, the graph cannot be right");
        Assert.True(cycles.Count == 0, $"{assemblyName} has namespace cycles:\n" + string.Join("\n", cycles.Select(graph.Explain)));
    }

    [Fact]
    public void Cycles_OfAGraphWithALoop_NameEveryNamespaceOnIt()
    {
        var graph = NamespaceGraph.FromEdges(("A", "B"), ("B", "C"), ("C", "A"), ("C", "D"), ("E", "F"), ("F", "E"));

        var cycles = graph.Cycles();

        Assert.Equal(2, cycles.Count);
        Assert.Contains(cycles, c => c.SequenceEqual(["A", "B", "C"]));
        Assert.Contains(cycles, c => c.SequenceEqual(["E", "F"]));
    }

    [Fact]
    public void Cycles_OfALayeredGraph_AreNone()
    {
        var graph = NamespaceGraph.FromEdges(("Hosting", "RequestPath"), ("RequestPath", "Admission"), ("Telemetry", "RequestPath"), ("Telemetry", "Admission"));

        Assert.Empty(graph.Cycles());
    }

    [Fact]
    public void FromAssembly_ReadsTheRequestPathsLayers()
    {
        var graph = NamespaceGraph.FromAssembly(typeof(ProxyHost).Assembly, "OdooLatencyProxy");

        Assert.Contains("OdooLatencyProxy.Admission", graph.Edges["OdooLatencyProxy.RequestPath"].Keys);
        Assert.Contains("OdooLatencyProxy.RequestPath", graph.Edges["OdooLatencyProxy.Telemetry"].Keys);
        Assert.DoesNotContain("OdooLatencyProxy.Telemetry", graph.Edges["OdooLatencyProxy.RequestPath"].Keys);
    }

    private static Assembly Load(string name) => Assembly.Load(new AssemblyName(name));
}
