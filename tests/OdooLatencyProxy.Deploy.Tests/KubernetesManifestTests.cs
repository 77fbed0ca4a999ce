using k8s;

namespace OdooLatencyProxy.Tests.Deploy;

/// <summary>
/// deploy/kubernetes validated offline against the Kubernetes API: every built-in object read strictly by the official
/// client's models (generated from the Kubernetes OpenAPI spec), so an unknown or misplaced field or a value of the wrong
/// type fails as kubectl's server-side validation would.
/// </summary>
public sealed class KubernetesManifestTests
{
    private const string Manifest = "deploy/kubernetes/odoo-with-proxy.yaml";

    // Prometheus Operator resources are custom: the client has no model for them (DeploymentFileTests checks them).
    private const string OperatorApi = "apiVersion: monitoring.coreos.com/";

    [Fact]
    public void EveryBuiltInObject_ReadsStrictlyAsItsKubernetesModel()
    {
        var kinds = new List<string>();
        foreach (var document in Documents().Where(d => !d.Contains(OperatorApi, StringComparison.Ordinal)))
        {
            kinds.AddRange(KubernetesYaml.LoadAllFromString(document, strict: true).Select(m => m.GetType().Name));
        }
        Assert.Equal(["V1ConfigMap", "V1DaemonSet", "V1Deployment", "V1NetworkPolicy", "V1PersistentVolumeClaim", "V1Service"], kinds.Distinct().Order(StringComparer.Ordinal));
        Assert.Equal(2, Documents().Count(d => d.Contains(OperatorApi, StringComparison.Ordinal) && d.Contains("kind: ServiceMonitor", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("          imagee: odoo:17\n", "imagee")] // a misspelt field
    [InlineData("          resources: {requests: {memory: 128Mi}}\n          probe: {httpGet: {path: /readyz, port: admin}}\n", "probe")] // not a container field
    [InlineData("          ports:\n            - {name: odoo-http, containerPort: http}\n", "Line: 12")] // a string for a port number
    public void TheValidator_RefusesWhatKubernetesWould(string fragment, string where)
    {
        var deployment = $"apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: x}}\nspec:\n  selector: {{matchLabels: {{a: b}}}}\n  template:\n    metadata: {{labels: {{a: b}}}}\n    spec:\n      containers:\n        - name: odoo\n{fragment}";
        var error = Record.Exception(() => KubernetesYaml.LoadAllFromString(deployment, strict: true));
        Assert.NotNull(error);
        Assert.Contains(where, error.ToString(), StringComparison.Ordinal);
    }

    private static IEnumerable<string> Documents() =>
        Repo.Read(Manifest).Split("\n---\n").Where(d => d.Split('\n').Any(l => l.StartsWith("kind:", StringComparison.Ordinal)));
}
