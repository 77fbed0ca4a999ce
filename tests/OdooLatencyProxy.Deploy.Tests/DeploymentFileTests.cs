using System.CommandLine;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using OdooLatencyProxy.Collector;
using OdooLatencyProxy.Configuration;
using YamlDotNet.RepresentationModel;

namespace OdooLatencyProxy.Tests.Deploy;

/// <summary>deploy/: the compose, Kubernetes, systemd, nginx and Docker files parse and agree with the proxy's CLI, ports and files.</summary>
public sealed partial class DeploymentFileTests
{
    private const string Compose = "deploy/compose/docker-compose.yml";
    private const string Kubernetes = "deploy/kubernetes/odoo-with-proxy.yaml";

    [Fact]
    public async Task ComposeFile_IsValidForDockerCompose()
    {
        var result = await ExternalTool.RunAsync("docker-compose", ["-f", "docker-compose.yml", "config", "-q"], workingDirectory: Repo.Path("deploy/compose"));
        Assert.True(result.ExitCode == 0, result.ToString());
    }

    [Fact]
    public void ComposeFile_HasTheWholeStackAndEveryMountedFileExists()
    {
        var services = (YamlMappingNode)LoadYaml(Compose)[0]["services"];
        Assert.Equal(["alertmanager", "cadvisor", "grafana", "node-exporter", "odoo", "postgres", "prometheus", "proxy"], services.Children.Keys.Select(Text).Order(StringComparer.Ordinal));
        foreach (var (name, service) in services.Children.Select(c => (Text(c.Key), (YamlMappingNode)c.Value)))
        {
            if (!service.Children.TryGetValue("volumes", out var volumes)) continue;
            foreach (var volume in ((YamlSequenceNode)volumes).Select(Text))
            {
                var source = volume.Split(':')[0];
                if (!source.StartsWith('.')) continue; // named volume or host path of the machine (cAdvisor)
                var path = Path.GetFullPath(Path.Combine(Repo.Path("deploy/compose"), source));
                Assert.True(File.Exists(path) || Directory.Exists(path), $"{name} mounts {source}, which does not exist");
            }
        }
        var build = (YamlMappingNode)((YamlMappingNode)services["proxy"])["build"];
        Assert.True(File.Exists(Path.Combine(Repo.Path("deploy/compose"), Text(build["context"]), Text(build["dockerfile"]))));
        Assert.Contains("shared_preload_libraries=pg_stat_statements", string.Join(' ', ((YamlSequenceNode)((YamlMappingNode)services["postgres"])["command"]).Select(Text)), StringComparison.Ordinal);
    }

    [Fact]
    public void ComposeProxy_ArgumentsParseWithTheProxyCliAndMatchOdooAndPrometheus()
    {
        var proxy = (YamlMappingNode)((YamlMappingNode)LoadYaml(Compose)[0]["services"])["proxy"];
        var args = ((YamlSequenceNode)proxy["command"]).Select(Text).ToArray();
        // Files inside the container (the proxy checks at start-up that they exist) are left out here.
        var options = ParseProxyArgs(args.Where(a => !a.StartsWith("--config=", StringComparison.Ordinal) && !a.StartsWith("--odoo-log=", StringComparison.Ordinal)).ToArray(), out _);
        Assert.Equal(OdooWorkers(Repo.Read("deploy/compose/odoo.conf")), options.Workers);
        Assert.Equal(["http://odoo:8069/"], options.Upstreams.Select(d => d.ToString()));
        Assert.Equal(["http://odoo:8072/"], options.GeventUpstreams.Select(d => d.ToString()));
        var adminPort = new Uri(options.AdminListen).Port;
        var publicPort = new Uri(options.Listen).Port;
        // The admin port is never published; the public one is.
        var published = ((YamlSequenceNode)proxy["ports"]).Select(Text).ToList();
        Assert.Contains($"{publicPort}:{publicPort}", published);
        Assert.DoesNotContain(published, p => p.EndsWith($":{adminPort}", StringComparison.Ordinal));
        // Prometheus scrapes that admin port under the job name the alerts select.
        var scrape = LoadYaml("deploy/compose/prometheus.yml")[0]["scrape_configs"];
        var job = ((YamlSequenceNode)scrape).Cast<YamlMappingNode>().Single(j => Text(j["job_name"]) == ProxyJob());
        Assert.Contains($"proxy:{adminPort}", Text(job));
        // The --config file the proxy is given is the generated thresholds file, mounted where the flag says.
        var config = args.Single(a => a.StartsWith("--config=", StringComparison.Ordinal))["--config=".Length..];
        Assert.Contains($"../prometheus/thresholds.proxy.json:{config}:ro", ((YamlSequenceNode)proxy["volumes"]).Select(Text));
    }

    [Fact]
    public async Task ComposePrometheusConfig_IsValidWithTheShippedRuleFiles()
    {
        var dir = Directory.CreateTempSubdirectory("olp-promcfg-").FullName;
        try
        {
            var config = Repo.Read("deploy/compose/prometheus.yml")
                .Replace("/etc/prometheus/rules/rules.yml", Repo.Path("deploy/prometheus/rules.yml"), StringComparison.Ordinal)
                .Replace("/etc/prometheus/rules/alerts.yml", Repo.Path("deploy/prometheus/alerts.yml"), StringComparison.Ordinal);
            await File.WriteAllTextAsync(Path.Combine(dir, "prometheus.yml"), config);
            var result = await ExternalTool.RunAsync("promtool", ["check", "config", Path.Combine(dir, "prometheus.yml")]);
            Assert.True(result.ExitCode == 0, result.ToString());
            // The compose file mounts the rule files where the configuration reads them.
            var compose = Repo.Read(Compose);
            Assert.Contains("../prometheus/rules.yml:/etc/prometheus/rules/rules.yml:ro", compose, StringComparison.Ordinal);
            Assert.Contains("../prometheus/alerts.yml:/etc/prometheus/rules/alerts.yml:ro", compose, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void KubernetesSidecar_ArgumentsParseWithTheProxyCliAndPortsProbesAndWorkersAgree()
    {
        var docs = LoadYaml(Kubernetes);
        var deployment = docs.Single(d => Text(d["kind"]) == "Deployment");
        var pod = (YamlMappingNode)((YamlMappingNode)deployment["spec"])["template"];
        var containers = ((YamlSequenceNode)((YamlMappingNode)pod["spec"])["containers"]).Cast<YamlMappingNode>().ToDictionary(c => Text(c["name"]), StringComparer.Ordinal);
        Assert.Equal(["odoo", "odoo-latency-proxy"], containers.Keys.Order(StringComparer.Ordinal));
        var proxy = containers["odoo-latency-proxy"];
        var args = ((YamlSequenceNode)proxy["args"]).Select(Text).ToArray();
        // --config and --odoo-db-password-file name files that exist only in the pod: checked against the mounted
        // ConfigMap and Secret below and in KubernetesSidecar_ThresholdsFromAConfigMapPasswordFromASecretFileAndMeasuredResources.
        var options = ParseProxyArgs([.. args.Where(a => !a.StartsWith("--config=", StringComparison.Ordinal) && !a.StartsWith("--odoo-db-password-file=", StringComparison.Ordinal))], out _);
        Assert.False(string.IsNullOrWhiteSpace(Text(proxy["image"])));

        // Same pod: Odoo on loopback, at the ports its container declares; workers equal Odoo's.
        var odooPorts = Ports(containers["odoo"]);
        Assert.Equal($"http://127.0.0.1:{odooPorts["odoo-http"]}/", options.Upstreams[0].Address.ToString());
        Assert.Equal($"http://127.0.0.1:{odooPorts["odoo-gevent"]}/", options.GeventUpstreams[0].Address.ToString());
        var configMap = Named(docs, "ConfigMap", "odoo-config");
        Assert.Equal(OdooWorkers(Text(((YamlMappingNode)configMap["data"])["odoo.conf"])), options.Workers);

        var proxyPorts = Ports(proxy);
        Assert.Equal(new Uri(options.Listen).Port, proxyPorts["http"]);
        Assert.Equal(new Uri(options.AdminListen).Port, proxyPorts["admin"]);
        foreach (var (probe, path) in new[] { ("readinessProbe", "/readyz"), ("livenessProbe", "/healthz") })
        {
            var get = (YamlMappingNode)((YamlMappingNode)proxy[probe])["httpGet"];
            Assert.Equal(path, Text(get["path"]));
            Assert.Equal("admin", Text(get["port"]));
        }
        var annotations = (YamlMappingNode)((YamlMappingNode)pod["metadata"])["annotations"];
        Assert.Equal(proxyPorts["admin"].ToString(System.Globalization.CultureInfo.InvariantCulture), Text(annotations["prometheus.io/port"]));
        Assert.Equal("/metrics", Text(annotations["prometheus.io/path"]));

        // The user-facing Service carries only the public port; the admin port is in the metrics Service alone.
        var services = docs.Where(d => Text(d["kind"]) == "Service").ToDictionary(d => Text(((YamlMappingNode)d["metadata"])["name"]), StringComparer.Ordinal);
        Assert.Equal(["http"], ServicePorts(services["odoo"]).Select(p => Text(p["targetPort"])));
        Assert.Equal("ClusterIP", Text(((YamlMappingNode)services["odoo-metrics"]["spec"])["type"]));
        Assert.Equal(["admin"], ServicePorts(services["odoo-metrics"]).Select(p => Text(p["targetPort"])));
        var monitor = Named(docs, "ServiceMonitor", "odoo-latency-proxy");
        var endpoint = (YamlMappingNode)((YamlSequenceNode)((YamlMappingNode)monitor["spec"])["endpoints"])[0];
        Assert.Equal("admin", Text(endpoint["port"]));
        Assert.Contains($"replacement: {ProxyJob()}", Repo.Read(Kubernetes), StringComparison.Ordinal);
        Assert.Contains(docs, d => Text(d["kind"]) == "NetworkPolicy");
    }

    [Fact]
    public void KubernetesSidecar_ThresholdsFromAConfigMapPasswordFromASecretFileAndMeasuredResources()
    {
        var docs = LoadYaml(Kubernetes);
        var pod = (YamlMappingNode)((YamlMappingNode)((YamlMappingNode)docs.Single(d => Text(d["kind"]) == "Deployment")["spec"])["template"])["spec"];
        var proxy = ((YamlSequenceNode)pod["containers"]).Cast<YamlMappingNode>().Single(c => Text(c["name"]) == "odoo-latency-proxy");
        var args = ((YamlSequenceNode)proxy["args"]).Select(Text).ToList();
        var volumes = ((YamlSequenceNode)pod["volumes"]).Cast<YamlMappingNode>().ToDictionary(v => Text(v["name"]), StringComparer.Ordinal);
        var mounts = ((YamlSequenceNode)proxy["volumeMounts"]).Cast<YamlMappingNode>().ToDictionary(m => Text(m["mountPath"]), m => Text(m["name"]), StringComparer.Ordinal);

        // --config names the generated thresholds file inside the mounted ConfigMap, whose content is that file.
        var config = Flag(args, "--config");
        var thresholdsVolume = (YamlMappingNode)volumes[mounts[Path.GetDirectoryName(config)!]]["configMap"];
        var thresholds = Named(docs, "ConfigMap", Text(thresholdsVolume["name"]));
        Assert.Equal(Repo.Read("deploy/prometheus/thresholds.proxy.json"), Text(((YamlMappingNode)thresholds["data"])[Path.GetFileName(config)]));

        // The collector's password: a file of the Secret, mounted read-only; the connection string carries none.
        var passwordFile = Flag(args, "--odoo-db-password-file");
        var secret = (YamlMappingNode)volumes[mounts[Path.GetDirectoryName(passwordFile)!]]["secret"];
        Assert.Contains(((YamlSequenceNode)secret["items"]).Cast<YamlMappingNode>(), i => Text(i["path"]) == Path.GetFileName(passwordFile));
        Assert.DoesNotContain("password", Flag(args, "--odoo-db"), StringComparison.OrdinalIgnoreCase);
        Assert.False(proxy.Children.ContainsKey("env"), "the proxy takes no secret through the environment");

        // Requests cover the measured idle ~117 MB; the limit leaves room over the measured ~200 MB under load.
        var resources = (YamlMappingNode)proxy["resources"];
        Assert.Equal("128Mi", Text(((YamlMappingNode)resources["requests"])["memory"]));
        Assert.Equal("384Mi", Text(((YamlMappingNode)resources["limits"])["memory"]));

        // Host disk for the volume alerts: node-exporter on every node, scraped through the operator too.
        var nodeExporter = Named(docs, "DaemonSet", "node-exporter");
        Assert.Contains("--path.rootfs=/host", Text(nodeExporter), StringComparison.Ordinal);
        Assert.Equal("metrics", Text(((YamlMappingNode)((YamlSequenceNode)((YamlMappingNode)Named(docs, "ServiceMonitor", "node-exporter")["spec"])["endpoints"])[0])["port"]));
        Assert.Contains(volumes.Values, v => v.Children.ContainsKey("persistentVolumeClaim"));
    }

    [Fact]
    public void SystemdEnvironmentFile_LoadsAsValidProxyAndCollectorSettings()
    {
        var settings = Repo.Read("deploy/systemd/odoo-latency-proxy.env").Split('\n')
            .Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => l.Split('=', 2)).ToDictionary(p => p[0].Replace("__", ":", StringComparison.Ordinal), p => (string?)p[1], StringComparer.Ordinal);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var options = ProxySettings.Load(configuration);
        Assert.True(options.Workers > 0);
        Assert.Equal("127.0.0.1", new Uri(options.AdminListen).Host);

        var unit = Repo.Read("deploy/systemd/odoo-latency-proxy.service");
        Assert.Contains("EnvironmentFile=/etc/default/odoo-latency-proxy", unit, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^ExecStart=/opt/odoo-latency-proxy/OdooLatencyProxy$", unit);
        // Longer than the proxy's drain so SIGTERM lets in-flight requests finish.
        var stop = int.Parse(Regex.Match(unit, @"TimeoutStopSec=(\d+)s").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(stop > options.DrainTimeout.TotalSeconds);

        // nginx on the same host forwards to the proxy's public listener and is the trusted front.
        var nginx = Repo.Read("deploy/nginx/odoo-latency-proxy.conf");
        Assert.Contains($"server {new Uri(options.Listen).Authority};", nginx, StringComparison.Ordinal);
        Assert.Contains("127.0.0.1", options.TrustedProxies);
    }

    [Fact]
    public void NginxSnippet_TerminatesTlsAndCarriesWebsocketUpgradeAndForwardedHeaders()
    {
        var nginx = Repo.Read("deploy/nginx/odoo-latency-proxy.conf");
        foreach (var line in new[]
        {
            "listen 443 ssl;", "proxy_pass http://odoo_latency_proxy;", "proxy_http_version 1.1;",
            "proxy_set_header Upgrade $http_upgrade;", "proxy_set_header Connection $connection_upgrade;",
            "proxy_set_header X-Forwarded-Proto $scheme;", "proxy_set_header X-Forwarded-Host $host;", "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
            "map $http_upgrade $connection_upgrade", "client_max_body_size 128m;", "proxy_read_timeout 720s;",
        })
        {
            Assert.Contains(line, nginx, StringComparison.Ordinal);
        }
        Assert.Equal(nginx.Count(c => c == '{'), nginx.Count(c => c == '}'));
    }

    [Fact]
    public void Dockerfile_PublishesTheProxyProjectAndExposesItsDefaultPorts()
    {
        var dockerfile = Repo.Read("deploy/docker/Dockerfile");
        Assert.Equal(2, Regex.Count(dockerfile, @"(?m)^FROM "));
        var publish = Regex.Match(dockerfile, @"dotnet publish (\S+\.csproj)").Groups[1].Value;
        Assert.True(File.Exists(Repo.Path(publish)), $"Dockerfile publishes {publish}, which does not exist");
        foreach (Match copy in Regex.Matches(dockerfile, @"(?m)^COPY (?!--from)(.+) \S+$"))
        {
            foreach (var source in copy.Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                Assert.True(File.Exists(Repo.Path(source)) || Directory.Exists(Repo.Path(source)), $"Dockerfile copies {source}, which does not exist");
            }
        }
        var listen = new Uri(Regex.Match(dockerfile, @"Proxy__Listen=(\S+)").Groups[1].Value);
        var admin = new Uri(Regex.Match(dockerfile, @"Proxy__AdminListen=(\S+)").Groups[1].Value);
        Assert.Contains($"EXPOSE {listen.Port} {admin.Port}", dockerfile, StringComparison.Ordinal);
        Assert.Contains("ENTRYPOINT [\"./OdooLatencyProxy\"]", dockerfile, StringComparison.Ordinal);
        Assert.Contains("USER $APP_UID", dockerfile, StringComparison.Ordinal);
    }

    // The image ships the executable the test command publishes and NativeAotBinaryTests run: the same publish flags.
    [Fact]
    public void Dockerfile_PublishesTheNativeExecutableTheTestsRun()
    {
        static string Flags(string text, string file) =>
            Regex.Match(text, @"dotnet publish src/OdooLatencyProxy/OdooLatencyProxy\.csproj (-c Release -r \S+ -p:PublishAot=true)") is { Success: true } m
                ? m.Groups[1].Value
                : throw new Xunit.Sdk.XunitException($"{file} has no native AOT publish of the proxy");
        Assert.Equal(Flags(Repo.Read("scripts/test"), "scripts/test"), Flags(Repo.Read("deploy/docker/Dockerfile"), "deploy/docker/Dockerfile"));
    }

    // No Docker engine here: the COPY lines before the restore are replayed into an empty folder (leaving out what
    // .dockerignore leaves out) and the restore runs there, so a file the locked AOT restore needs and the image
    // does not copy fails here, not in an operator's build.
    [Fact]
    public async Task Dockerfile_BuildStageRestoresFromTheFilesItCopies()
    {
        var dockerfile = Regex.Replace(Repo.Read("deploy/docker/Dockerfile"), @"\\\n\s*", " ");
        var restore = Regex.Match(dockerfile, @"(?m)^RUN dotnet (restore .+)$");
        Assert.True(restore.Success, "the Dockerfile restores in a step of its own");
        Assert.Contains("--locked-mode", restore.Value, StringComparison.Ordinal);
        var beforeRestore = dockerfile[..restore.Index];
        var ignored = Repo.Read(".dockerignore").Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("**/", StringComparison.Ordinal)).Select(l => l[3..].TrimEnd('/')).ToHashSet();
        var context = Directory.CreateTempSubdirectory("olp-docker-context-");
        try
        {
            foreach (Match copy in Regex.Matches(beforeRestore, @"(?m)^COPY (?!--from)(.+) (\S+)$"))
            {
                var destination = Path.Combine(context.FullName, copy.Groups[2].Value);
                foreach (var source in copy.Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                {
                    if (Directory.Exists(Repo.Path(source))) CopyTree(Repo.Path(source), destination, ignored);
                    else Copy(Repo.Path(source), Path.Combine(destination, Path.GetFileName(source)));
                }
            }
            // Locked mode checks a lock file only where there is one: each project must bring its AOT lock file.
            foreach (var project in Directory.EnumerateFiles(Path.Combine(context.FullName, "src"), "*.csproj", SearchOption.AllDirectories))
            {
                Assert.True(File.Exists(Path.Combine(Path.GetDirectoryName(project)!, "packages.aot.lock.json")), $"the image's restore has no packages.aot.lock.json beside {Path.GetFileName(project)}");
            }
            // In a session of its own and without build servers: no MSBuild node outlives the restore, and nothing it
            // signals reaches the test process (the test process died once in CI while this test was new).
            string[] command = ["--wait", "dotnet", .. restore.Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries), "--disable-build-servers"];
            var result = await ExternalTool.RunAsync("setsid", command, context.FullName, TimeSpan.FromMinutes(5));
            Assert.True(result.ExitCode == 0, result.ToString());
            // The publish after it runs with --no-restore: the restore must have brought the runtime's own packages.
            var assets = File.ReadAllText(Path.Combine(context.FullName, "src/OdooLatencyProxy/obj/project.assets.json"));
            Assert.Contains("\"net10.0/linux-x64\"", assets, StringComparison.Ordinal);
        }
        finally
        {
            context.Delete(recursive: true);
        }

        static void Copy(string from, string to)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            File.Copy(from, to);
        }

        static void CopyTree(string from, string to, HashSet<string> ignored)
        {
            foreach (var file in Directory.EnumerateFiles(from)) Copy(file, Path.Combine(to, Path.GetFileName(file)));
            foreach (var dir in Directory.EnumerateDirectories(from).Where(d => !ignored.Contains(Path.GetFileName(d))))
            {
                CopyTree(dir, Path.Combine(to, Path.GetFileName(dir)), ignored);
            }
        }
    }

    private static ProxyOptions ParseProxyArgs(string[] args, out ParseResult parse)
    {
        parse = ProxyCommandLine.Create().Parse(args);
        Assert.True(parse.Errors.Count == 0, string.Join("; ", parse.Errors.Select(e => e.Message)));
        return ProxySettings.Load(new ConfigurationBuilder().AddCommandLineFlags(parse).Build());
    }

    private static YamlMappingNode Named(List<YamlMappingNode> docs, string kind, string name) =>
        docs.Single(d => Text(d["kind"]) == kind && Text(((YamlMappingNode)d["metadata"])["name"]) == name);

    private static string Flag(IEnumerable<string> args, string flag) => args.Single(a => a.StartsWith(flag + "=", StringComparison.Ordinal))[(flag.Length + 1)..];

    private static string ProxyJob() => AlertRuleGenerator.Thresholds.Parse(Repo.Read("deploy/prometheus/thresholds.yml")).Values["proxy_job"];

    private static int OdooWorkers(string odooConf) => int.Parse(Regex.Match(odooConf, @"(?m)^workers\s*=\s*(\d+)").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);

    private static Dictionary<string, int> Ports(YamlMappingNode container) =>
        ((YamlSequenceNode)container["ports"]).Cast<YamlMappingNode>().ToDictionary(p => Text(p["name"]), p => int.Parse(Text(p["containerPort"]), System.Globalization.CultureInfo.InvariantCulture), StringComparer.Ordinal);

    private static IEnumerable<YamlMappingNode> ServicePorts(YamlMappingNode service) => ((YamlSequenceNode)((YamlMappingNode)service["spec"])["ports"]).Cast<YamlMappingNode>();

    private static List<YamlMappingNode> LoadYaml(string path)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(Repo.Read(path)));
        return [.. stream.Documents.Select(d => (YamlMappingNode)d.RootNode)];
    }

    private static string Text(YamlNode node) => node switch
    {
        YamlScalarNode s => s.Value ?? "",
        _ => node.ToString(),
    };
}
