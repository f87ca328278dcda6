package synth

// weightedString is a value and its relative frequency.
type weightedString struct {
	s string
	w int
}

// surnames are the commonest Chinese family names, weighted roughly by
// their frequency (per ten thousand people); a few are commoner in northern
// Anhui than nationally (崔, 魏, 丁, 曹).
var surnames = []weightedString{
	{"李", 794}, {"王", 741}, {"张", 707}, {"刘", 538}, {"陈", 453}, {"杨", 308}, {"赵", 229},
	{"黄", 223}, {"周", 212}, {"吴", 205}, {"徐", 167}, {"孙", 154}, {"胡", 131}, {"朱", 126},
	{"高", 121}, {"林", 118}, {"何", 117}, {"郭", 115}, {"马", 105}, {"罗", 86}, {"梁", 81},
	{"宋", 80}, {"郑", 78}, {"谢", 72}, {"韩", 68}, {"唐", 65}, {"冯", 63}, {"于", 62},
	{"董", 60}, {"萧", 58}, {"程", 57}, {"曹", 70}, {"袁", 54}, {"邓", 53}, {"许", 52},
	{"傅", 50}, {"沈", 48}, {"曾", 47}, {"彭", 46}, {"吕", 45}, {"苏", 44}, {"卢", 43},
	{"蒋", 42}, {"蔡", 41}, {"贾", 40}, {"丁", 50}, {"魏", 55}, {"薛", 38}, {"叶", 37},
	{"阎", 36}, {"余", 35}, {"潘", 34}, {"杜", 33}, {"戴", 32}, {"夏", 31}, {"钟", 30},
	{"汪", 30}, {"田", 29}, {"任", 28}, {"姜", 27}, {"范", 26}, {"方", 25}, {"石", 24},
	{"姚", 23}, {"谭", 22}, {"廖", 21}, {"邹", 20}, {"熊", 20}, {"金", 19}, {"陆", 19},
	{"郝", 18}, {"孔", 18}, {"白", 17}, {"崔", 40}, {"康", 16}, {"毛", 16}, {"邱", 15},
	{"秦", 15}, {"江", 14}, {"史", 14}, {"顾", 13}, {"侯", 13}, {"邵", 12}, {"孟", 12},
	{"龙", 11}, {"万", 11}, {"段", 10}, {"葛", 10}, {"牛", 10}, {"武", 10},
}

// huiSurnames are family names common among the Hui.
var huiSurnames = []string{"马", "白", "丁", "沙", "杨", "金", "穆", "哈", "海", "纳"}

var (
	maleChars = []rune("伟强军磊勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帆帅旭宁龙林阳建国志文海峰东兵晨博" +
		"亮成鹏振庆祥德福贵山宏江然昊轩睿泽瑞豪思远奇彬毅")
	femaleChars = []rune("芳娜敏静丽艳娟霞秀英慧莉燕玲桂兰红梅琳洁琴云莹雪倩婷颖晶萍佳悦欣怡雨涵萱妍蕊" +
		"月凤玉珍美丹露瑶可欢宁璐曼")
	neutralChars = []rune("文明小晓春秋新子一永")
)

// phonePrefixes are mobile number segments of the three operators.
var phonePrefixes = []string{"130", "131", "132", "133", "134", "135", "136", "137", "138", "139",
	"150", "151", "152", "153", "155", "156", "157", "158", "159", "166", "173", "175", "176", "177",
	"180", "181", "182", "183", "184", "185", "186", "187", "188", "189", "191", "198", "199"}

// roads are street names for urban addresses.
var roads = []string{"人民路", "魏武大道", "光明路", "健康路", "芍花路", "希夷大道", "汤王大道", "药都路",
	"中原路", "紫光路", "文帝路", "谯陵路", "涡河路", "建安路", "杏花路", "长江路"}

var awayRoads = []string{"建设路", "解放路", "人民路", "中山路", "工业园路", "新华路", "长江路", "和平路"}

// away are places outside Bozhou where residents live and work (the seed's
// couple ran a business in Maqin County, Qinghai).
var away = []string{"上海市闵行区", "浙江省杭州市萧山区", "江苏省苏州市昆山市", "广东省深圳市宝安区",
	"安徽省合肥市蜀山区", "北京市朝阳区", "浙江省宁波市鄞州区", "江苏省南京市江宁区", "青海省果洛藏族自治州玛沁县"}

// nameOf makes a given name of one or two characters.
func (r *rng) givenName(male bool) string {
	pool := femaleChars
	if male {
		pool = maleChars
	}
	a := pool[r.intn(len(pool))]
	if r.chance(0.22) {
		return string(a)
	}
	if r.chance(0.15) {
		return string(neutralChars[r.intn(len(neutralChars))]) + string(a)
	}
	b := pool[r.intn(len(pool))]
	return string(a) + string(b)
}

var surnameCum = func() []int {
	w := make([]int, len(surnames))
	for i, s := range surnames {
		w[i] = s.w
	}
	return cumulative(w)
}()

func (r *rng) surname(hui bool) string {
	if hui && r.chance(0.6) {
		return huiSurnames[r.intn(len(huiSurnames))]
	}
	return surnames[r.weighted(surnameCum)].s
}

// phone makes a valid-looking mainland mobile number: 1[3-9] and 9 digits.
func (r *rng) phone(b []byte) []byte {
	b = append(b, phonePrefixes[r.intn(len(phonePrefixes))]...)
	x := r.next()
	for i := 0; i < 8; i++ {
		b = append(b, byte('0'+x%10))
		x /= 10
	}
	return b
}
