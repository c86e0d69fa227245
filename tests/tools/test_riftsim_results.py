"""tools/riftsim_results.py and tools/riftsim-sweep-plot on folders written by the riftsim binary.

Run by ctest with RIFTSIM_BIN, RIFTSIM_TEST_DATA and RIFTSIM_TOOLS set."""
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

TOOLS = os.environ["RIFTSIM_TOOLS"]
sys.path.insert(0, TOOLS)
import riftsim_results as rr  # noqa: E402

BIN = os.environ["RIFTSIM_BIN"]
DATA = os.environ["RIFTSIM_TEST_DATA"]


def riftsim(*args):
    p = subprocess.run([BIN, *args], capture_output=True, text=True)
    if p.returncode != 0:
        raise AssertionError(f"riftsim {' '.join(args)}: exit {p.returncode}\n{p.stderr}")


class ResultsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="riftsim-results-")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp)

    def out(self, name):
        return os.path.join(self.tmp, name)

    def test_sweep_runs_and_statistics_agree(self):
        d = self.out("sweep")
        riftsim("sweep", f"{DATA}/sweep/grid.yaml", "--quiet", "--out", d)
        res = rr.load(d)
        self.assertEqual(res.kind, "sweep")
        self.assertEqual(res.parameters, ["events[0].at", "jobs.train.response[0].porting"])
        self.assertEqual(len(res.runs), 6 * 3 * 2)
        self.assertEqual(res.runs["jobs.train.response[0].porting"].dtype, object)  # text as written
        # The statistics of results.json are those of the rows of results.csv.
        for (point, response), g in res.runs.groupby(["point", "response"]):
            s = res.stats[(res.stats.point == point) & (res.stats.response == response)
                          & (res.stats.metric == "time_lost_s")]
            self.assertEqual(len(s), 1)
            self.assertAlmostEqual(s["mean"].iloc[0], g["time_lost_s"].mean(), places=6)
            self.assertEqual(s["n"].iloc[0], 3)
        figs = self.out("figs")
        for args in (["line", "--x", "jobs.train.response[0].porting"],
                     ["heatmap", "--x", "events[0].at", "--y", "jobs.train.response[0].porting"],
                     ["heatmap", "--x", "events[0].at", "--y", "jobs.train.response[0].porting",
                      "--response", "best", "--metric", "cost_usd.total"]):
            p = subprocess.run(["/usr/bin/python3", f"{TOOLS}/riftsim-sweep-plot", d, *args, "--out", figs],
                               capture_output=True, text=True)
            self.assertEqual(p.returncode, 0, p.stderr)
            for path in p.stdout.split():
                self.assertGreater(os.path.getsize(path), 1000, path)
        p = subprocess.run(["/usr/bin/python3", f"{TOOLS}/riftsim-sweep-plot", d, "line", "--x", "nope"],
                           capture_output=True, text=True)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("not a parameter", p.stderr)

    def test_tornado_of_a_one_at_a_time_sweep(self):
        d = self.out("tornado")
        riftsim("sweep", f"{DATA}/sweep/tornado.yaml", "--quiet", "--out", d)
        p = subprocess.run(["/usr/bin/python3", f"{TOOLS}/riftsim-sweep-plot", d, "tornado", "--metric",
                            "wall_time_s"], capture_output=True, text=True)
        self.assertEqual(p.returncode, 0, p.stderr)
        paths = p.stdout.split()
        self.assertEqual(len(paths), 2)  # png and svg, in the sweep's figures folder
        for path in paths:
            self.assertTrue(path.startswith(os.path.join(d, "figures", "tornado-wall_time_s")), path)
            self.assertGreater(os.path.getsize(path), 1000, path)

    def test_run_replications_and_comparison(self):
        run = self.out("run")
        riftsim("run", f"{DATA}/mini-cutoff.yaml", "--quiet", "--out", run)
        res = rr.load(run)
        self.assertEqual(res.kind, "run")
        self.assertEqual(len(res.runs), 1)
        self.assertEqual(res.runs["time_lost_s"].iloc[0], 83540.0)

        reps = self.out("reps")
        riftsim("run", f"{DATA}/failures/random-compare.yaml", "--quiet", "--replications", "3", "--csv",
                "--out", reps)
        res = rr.load(reps)
        self.assertEqual(res.kind, "comparison")
        self.assertEqual(len(res.runs), 3 * 2)
        self.assertEqual(sorted(res.runs.response.unique()), ["migrate", "wait"])
        wait = res.stats[(res.stats.response == "wait") & (res.stats.metric == "wall_time_s")]
        self.assertAlmostEqual(wait["mean"].iloc[0],
                               res.runs[res.runs.response == "wait"]["wall_time_s"].mean(), places=6)

        compare = self.out("compare")
        riftsim("run", f"{DATA}/mini-compare.yaml", "--quiet", "--out", compare)
        res = rr.load(compare)
        self.assertEqual(sorted(res.runs.response), ["migrate", "wait"])
        self.assertTrue(res.stats.empty)

    def test_not_a_result_folder(self):
        with self.assertRaises(FileNotFoundError):
            rr.load(self.tmp)


if __name__ == "__main__":
    unittest.main(verbosity=2)
