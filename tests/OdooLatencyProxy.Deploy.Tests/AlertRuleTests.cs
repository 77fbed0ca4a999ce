using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace OdooLatencyProxy.Tests.Deploy;

/// <summary>deploy/prometheus: promtool accepts the rules, every alert is complete and tested before and after its for: window.</summary>
public sealed partial class AlertRuleTests
{
    public static TheoryData<string> RuleTestFiles() =>
        [.. Directory.GetFiles(Repo.Path("deploy/prometheus/tests"), "*.test.yml").Select(f => "deploy/prometheus/tests/" + Path.GetFileName(f)).Order(StringComparer.Ordinal)];

    [Fact]
    public async Task PromtoolCheckRules_AcceptsRecordingRulesAlertsAndTheTestRendering()
    {
        var result = await ExternalTool.RunAsync("promtool", ["check", "rules", "deploy/prometheus/rules.yml", "deploy/prometheus/alerts.yml", "deploy/prometheus/tests/alerts.yml"]);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.DoesNotContain("FAILED", result.Output, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(RuleTestFiles))]
    public async Task PromtoolTestRules_EveryAlertGroupFilePasses(string file)
    {
        var result = await ExternalTool.RunAsync("promtool", ["test", "rules", file]);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("SUCCESS", result.Output + result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryAlertGroup_HasOneTestFileThatChecksEachAlertBeforeAndAfterItsForWindow()
    {
        var rules = MonitoringQueries.Rules("deploy/prometheus/tests/alerts.yml");
        foreach (var group in rules.Where(r => r.IsAlert).GroupBy(r => r.Group))
        {
            var path = $"deploy/prometheus/tests/{group.Key}.test.yml";
            Assert.True(File.Exists(Repo.Path(path)), $"alert group {group.Key} has no test file {path}");
            var tests = LoadTests(path);
            foreach (var alert in group.Select(r => r.Name).Distinct())
            {
                var checks = tests.SelectMany(t => t.Checks).Where(c => c.Alert == alert).ToList();
                Assert.True(checks.Any(c => !c.Fires), $"{path}: no check that {alert} is silent (before its for: window)");
                Assert.True(checks.Any(c => c.Fires), $"{path}: no check that {alert} fires (after its for: window)");
                // Before and after the window in the same scenario: the alert is silent first, then fires.
                Assert.True(tests.Any(t => t.Checks.Any(c => c.Alert == alert && !c.Fires) && t.Checks.Any(c => c.Alert == alert && c.Fires)),
                    $"{path}: no scenario checks {alert} both before and after its for: window");
            }
        }
        // The other test files each test one group of recording rules (rule_files: [../rules.yml]).
        var recording = MonitoringQueries.Rules("deploy/prometheus/rules.yml");
        foreach (var file in Directory.GetFiles(Repo.Path("deploy/prometheus/tests"), "*.test.yml"))
        {
            var group = Path.GetFileName(file)[..^".test.yml".Length];
            Assert.Contains(group, (RuleFilesOf("deploy/prometheus/tests/" + Path.GetFileName(file)) == RecordingRules ? recording : rules).Select(r => r.Group));
        }
    }

    [Fact]
    public void EveryTestScenario_IsNamedAsASentence()
    {
        foreach (var file in RuleTestFiles())
        {
            foreach (var test in LoadTests(file))
            {
                Assert.True(test.Name is { Length: > 20 } name && char.IsUpper(name[0]) && name.Contains(' ', StringComparison.Ordinal), $"{file}: test '{test.Name}' is not named as a sentence");
            }
        }
    }

    [Fact]
    public void EveryAlert_HasSeveritySummaryDescriptionRunbookAndForWindow()
    {
        var alerts = MonitoringQueries.Rules().Where(r => r.IsAlert).ToList();
        Assert.NotEmpty(alerts);
        foreach (var alert in alerts)
        {
            var node = alert.Node;
            Assert.True(node.Children.ContainsKey("for") && Scalar(node["for"]) is { Length: > 0 }, $"{alert.Name}: no for:");
            var labels = (YamlMappingNode)node["labels"];
            Assert.Contains(Scalar(labels["severity"]), new[] { "critical", "warning", "info" });
            var annotations = (YamlMappingNode)node["annotations"];
            foreach (var key in new[] { "summary", "description", "runbook_url" })
            {
                Assert.True(annotations.Children.ContainsKey(key) && Scalar(annotations[key]) is { Length: > 0 }, $"{alert.Name}: no {key}");
            }
            var runbook = Scalar(annotations["runbook_url"]).Split('#');
            Assert.Equal(2, runbook.Length);
            Assert.EndsWith("docs/runbooks.md", runbook[0], StringComparison.Ordinal);
            Assert.Equal(alert.Name.ToLowerInvariant(), runbook[1]);
        }
    }

    [Fact]
    public void EveryRunbookLink_ResolvesFromTheRepositoryRootToASectionOfTheRunbooks()
    {
        // The shipped default is relative to the repository root, so it resolves where the repository is browsed.
        var anchors = GitHubAnchors(Repo.Read("docs/runbooks.md"));
        foreach (var alert in MonitoringQueries.Rules().Where(r => r.IsAlert))
        {
            var url = Scalar(((YamlMappingNode)alert.Node["annotations"])["runbook_url"]);
            var hash = url.IndexOf('#', StringComparison.Ordinal);
            Assert.True(File.Exists(Repo.Path(url[..hash])), $"{alert.Name}: {url[..hash]} is no file of the repository");
            Assert.True(anchors.Contains(url[(hash + 1)..]), $"{alert.Name}: docs/runbooks.md has no heading with the anchor #{url[(hash + 1)..]}");
        }
    }

    [Fact]
    public void GitHubAnchors_FollowGitHubsHeadingRules()
    {
        var anchors = GitHubAnchors("# Top\n## OdooProxyDown\n```\n## not a heading\n```\n### Worker limit: per sidecar (fleet)!\n## OdooProxyDown\n");
        Assert.Equal(["top", "odooproxydown", "worker-limit-per-sidecar-fleet", "odooproxydown-1"], anchors);
    }

    // GitHub's rule: lower case, drop every character but letters, digits, spaces, hyphens and underscores, spaces to
    // hyphens; a repeated anchor gets -1, -2, ...; headings inside code fences are not headings.
    private static List<string> GitHubAnchors(string markdown)
    {
        var result = new List<string>();
        var inFence = false;
        foreach (var line in markdown.Split('\n'))
        {
            if (line.TrimStart().StartsWith("```", StringComparison.Ordinal)) inFence = !inFence;
            if (inFence) continue;
            var m = AnyHeading().Match(line);
            if (!m.Success) continue;
            var slug = string.Concat(m.Groups[1].Value.Trim().ToLowerInvariant().Where(c => char.IsLetterOrDigit(c) || c is ' ' or '-' or '_')).Replace(' ', '-');
            var anchor = slug;
            for (var n = 1; result.Contains(anchor); n++) anchor = $"{slug}-{n}";
            result.Add(anchor);
        }
        return result;
    }

    [Fact]
    public void Runbooks_HaveOneSectionPerAlertWithMeaningImpactChecksAndFixes()
    {
        var runbooks = Repo.Read("docs/runbooks.md");
        var sections = Regex.Split(runbooks, @"^## ", RegexOptions.Multiline).Skip(1)
            .ToDictionary(s => s[..s.IndexOf('\n', StringComparison.Ordinal)].Trim(), s => s, StringComparer.Ordinal);
        foreach (var alert in MonitoringQueries.Rules().Where(r => r.IsAlert).Select(r => r.Name).Distinct())
        {
            Assert.True(sections.TryGetValue(alert, out var section), $"docs/runbooks.md has no section ## {alert}");
            foreach (var part in new[] { "**Meaning.**", "**Business impact.**", "**First checks", "**Fixes" })
            {
                Assert.True(section.Contains(part, StringComparison.Ordinal) || (part == "**Fixes" && section.Contains("checks and fixes", StringComparison.Ordinal)),
                    $"runbook section {alert} lacks {part}");
            }
        }
    }

    [Fact]
    public void RecordingRulesAndAlerts_LiveInSeparateFiles()
    {
        Assert.All(MonitoringQueries.Rules("deploy/prometheus/rules.yml"), r => Assert.False(r.IsAlert, $"{r.Name} is an alert in rules.yml"));
        Assert.All(MonitoringQueries.Rules("deploy/prometheus/alerts.yml"), r => Assert.True(r.IsAlert, $"{r.Name} is a recording rule in alerts.yml"));
    }

    private static string Scalar(YamlNode node) => ((YamlScalarNode)node).Value ?? "";

    // A recording-rule test file reads the shipped rules.yml; an alert test file the test rendering of the alerts.
    private const string RecordingRules = "../rules.yml";

    private static string RuleFilesOf(string path)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(Repo.Read(path)));
        return string.Join(",", ((YamlSequenceNode)((YamlMappingNode)stream.Documents[0].RootNode)["rule_files"]).Select(Scalar));
    }

    private sealed record AlertCheck(string Alert, bool Fires);

    private sealed record RuleTest(string? Name, IReadOnlyList<AlertCheck> Checks);

    private static List<RuleTest> LoadTests(string path)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(Repo.Read(path)));
        var root = (YamlMappingNode)stream.Documents[0].RootNode;
        Assert.Contains(RuleFilesOf(path), new[] { "alerts.yml", RecordingRules });
        return [.. ((YamlSequenceNode)root["tests"]).Cast<YamlMappingNode>().Select(test => new RuleTest(
            test.Children.TryGetValue("name", out var name) ? Scalar(name) : null,
            test.Children.TryGetValue("alert_rule_test", out var checks)
                ? [.. ((YamlSequenceNode)checks).Cast<YamlMappingNode>().Select(c => new AlertCheck(Scalar(c["alertname"]), ((YamlSequenceNode)c["exp_alerts"]).Children.Count > 0))]
                : []))];
    }

    [GeneratedRegex(@"^#{1,6} (.+)$")]
    private static partial Regex AnyHeading();
}
