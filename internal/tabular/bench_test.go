package tabular

import (
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// benchColumns is a population-register-like export: 15 columns of mostly
// Chinese text.
var benchColumns = []string{"姓名", "性别", "民族", "出生日期", "身份证号", "户籍地址", "现住址",
	"联系电话", "文化程度", "婚姻状况", "工作单位", "职业", "所属村居", "所属乡镇", "备注"}

var (
	surnames = []rune("李王张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗崔")
	given    = []rune("想曼伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英")
	places   = []string{"亳州市谯城区赵庄村", "涡阳县城关街道", "蒙城县庄周街道", "利辛县城关镇", "亳州市谯城区花戏楼街道"}
	jobs     = []string{"农民", "教师", "个体工商户", "公务员", "医生", "学生", "退休人员"}
)

// benchRow makes the i-th generated row.
func benchRow(rng *rand.Rand, i int) []string {
	name := string(surnames[rng.IntN(len(surnames))]) + string(given[rng.IntN(len(given))]) + string(given[rng.IntN(len(given))])
	place := places[rng.IntN(len(places))]
	return []string{name, "男", "汉族", "1988-07-15", fmt.Sprintf("3416021988%08d", i),
		place + strconv.Itoa(rng.IntN(200)) + "号", place, fmt.Sprintf("139%08d", rng.IntN(1e8)),
		"大学本科", "已婚", "亳州市华佗中药饮片有限公司", jobs[rng.IntN(len(jobs))], "赵庄村", "古井镇",
		"第" + strconv.Itoa(i) + "条记录，已核验"}
}

// writeBenchFile writes n generated rows in format f and returns the path.
func writeBenchFile(tb testing.TB, f Format, n int) string {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "population"+map[Format]string{CSV: ".csv", XLSX: ".xlsx", JSONL: ".jsonl"}[f])
	w, err := Create(path, f, "")
	if err != nil {
		tb.Fatal(err)
	}
	if err := w.Write(benchColumns); err != nil {
		tb.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range n {
		if err := w.Write(benchRow(rng, i)); err != nil {
			tb.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		tb.Fatal(err)
	}
	return path
}

// drain reads every row and returns how many there were.
func drain(tb testing.TB, path string, o Options) int {
	r, err := Open(path, o)
	if err != nil {
		tb.Fatal(err)
	}
	defer r.Close()
	n := 0
	for {
		_, err := r.Next()
		if err == io.EOF {
			return n
		}
		if err != nil {
			tb.Fatal(err)
		}
		n++
	}
}

// BenchmarkReadCSV is the data hub's budget: it must read at least
// 1,000,000 rows/s of raw CSV to insert 150,000/s.
// "fresh" is the default (each Row's Cells is the caller's to keep);
// "reuse" sets Options.ReuseCells.
func BenchmarkReadCSV(b *testing.B) {
	const rows = 200_000
	path := writeBenchFile(b, CSV, rows)
	st, _ := os.Stat(path)
	for _, o := range []struct {
		name string
		opt  Options
	}{{"fresh", Options{}}, {"reuse", Options{ReuseCells: true}}} {
		b.Run(o.name, func(b *testing.B) {
			b.SetBytes(st.Size())
			b.ReportAllocs()
			for b.Loop() {
				if n := drain(b, path, o.opt); n != rows {
					b.Fatalf("read %d rows, want %d", n, rows)
				}
			}
			b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}

func BenchmarkReadXLSX(b *testing.B) {
	const rows = 20_000
	path := writeBenchFile(b, XLSX, rows)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if n := drain(b, path, Options{}); n != rows {
			b.Fatalf("read %d rows, want %d", n, rows)
		}
	}
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

func BenchmarkWriteCSV(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	row := benchRow(rng, 1)
	w, err := NewWriter(io.Discard, CSV, "")
	if err != nil {
		b.Fatal(err)
	}
	_ = w.Write(benchColumns)
	b.ReportAllocs()
	for b.Loop() {
		if err := w.Write(row); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}
