package demo

// The vocabularies the catalog generator builds plausible item names from:
// per department function, the activities it regulates and the laws it
// enforces (real laws; the article numbers of generated items are invented
// and marked so). Names are "{activity}{decision}" as in real lists, e.g.
// 危险废物经营许可, 对危险废物经营违法行为的行政处罚.

type vocab struct {
	kind       string
	objects    []string // activities or things the department regulates
	laws       []string // laws and regulations it enforces
	weight     int      // relative share of the catalog
	persons    bool     // serves natural persons as well as organisations
	benefits   bool     // pays benefits (行政给付)
	adjudicate bool     // settles disputes (行政裁决)
}

var vocabs = []vocab{
	{kind: "public_security", weight: 14, persons: true, objects: []string{
		"爆炸物品购买", "烟花爆竹道路运输", "大型群众性活动安全", "民用枪支持有", "剧毒化学品购买", "保安服务",
		"旅馆业特种行业经营", "典当业特种行业经营", "印章刻制业经营", "公章刻制", "机动车登记", "驾驶人管理",
		"户籍登记", "暂住登记", "出入境证件", "互联网上网服务营业场所安全", "消防安全", "犬只养犬登记"},
		laws: []string{"《中华人民共和国治安管理处罚法》", "《民用爆炸物品安全管理条例》", "《中华人民共和国道路交通安全法》",
			"《中华人民共和国消防法》", "《中华人民共和国户口登记条例》", "《烟花爆竹安全管理条例》", "《保安服务管理条例》"}},
	{kind: "civil_affairs", weight: 6, persons: true, benefits: true, objects: []string{
		"社会团体", "民办非企业单位", "基金会", "婚姻登记", "收养登记", "殡葬设施建设", "养老机构设立",
		"地名命名更名", "城乡最低生活保障", "特困人员供养", "临时救助", "优抚对象抚恤", "村民委员会选举", "慈善组织"},
		laws: []string{"《社会团体登记管理条例》", "《民办非企业单位登记管理暂行条例》", "《婚姻登记条例》",
			"《殡葬管理条例》", "《社会救助暂行办法》", "《军人抚恤优待条例》", "《地名管理条例》"}},
	{kind: "health_family_planning", weight: 9, persons: true, benefits: true, objects: []string{
		"医疗机构执业", "医师执业注册", "护士执业注册", "放射诊疗", "母婴保健技术服务", "公共场所卫生",
		"生活饮用水卫生", "消毒产品生产", "传染病防治", "计划生育技术服务", "职业卫生", "采供血",
		"计划生育家庭奖励扶助", "乡村医生执业"},
		laws: []string{"《医疗机构管理条例》", "《中华人民共和国执业医师法》", "《护士条例》", "《中华人民共和国母婴保健法》",
			"《公共场所卫生管理条例》", "《中华人民共和国传染病防治法》", "《中华人民共和国人口与计划生育法》"}},
	{kind: "market_regulation", weight: 13, objects: []string{
		"企业登记", "个体工商户登记", "农民专业合作社登记", "食品生产", "食品经营", "药品零售",
		"医疗器械经营", "特种设备安装改造维修", "计量器具", "广告发布", "商标使用", "产品质量",
		"网络商品交易", "直销经营", "拍卖企业经营", "化妆品经营"},
		laws: []string{"《中华人民共和国公司法》", "《中华人民共和国公司登记管理条例》", "《中华人民共和国食品安全法》",
			"《中华人民共和国药品管理法》", "《中华人民共和国特种设备安全法》", "《中华人民共和国计量法》",
			"《中华人民共和国广告法》", "《中华人民共和国产品质量法》"}},
	{kind: "environmental_protection", weight: 8, objects: []string{
		"建设项目环境影响评价", "排污", "危险废物经营", "辐射安全", "放射性同位素转移", "机动车排气污染",
		"建筑施工噪声", "畜禽养殖污染", "饮用水水源保护区", "固体废物跨区转移", "环境监测", "大气污染防治设施",
		"水污染防治设施", "秸秆焚烧"},
		laws: []string{"《中华人民共和国环境保护法》", "《中华人民共和国环境影响评价法》", "《中华人民共和国大气污染防治法》",
			"《中华人民共和国水污染防治法》", "《中华人民共和国固体废物污染环境防治法》", "《建设项目环境保护管理条例》",
			"《放射性同位素与射线装置安全和防护条例》"}},
	{kind: "housing_construction", weight: 9, objects: []string{
		"建筑工程施工", "建筑业企业资质", "房地产开发企业资质", "商品房预售", "城市房屋拆迁", "物业服务企业资质",
		"燃气经营", "城市道路挖掘", "城市绿地占用", "城市供水", "市政设施", "建设工程竣工验收",
		"白蚁防治", "工程监理企业资质"},
		laws: []string{"《中华人民共和国建筑法》", "《建设工程质量管理条例》", "《城市房地产开发经营管理条例》",
			"《城镇燃气管理条例》", "《城市道路管理条例》", "《城市绿化条例》", "《物业管理条例》"}},
	{kind: "human_resources_social_security", weight: 6, persons: true, benefits: true, objects: []string{
		"劳务派遣经营", "人力资源服务机构", "职业技能鉴定", "民办职业培训学校", "工伤认定", "劳动能力鉴定",
		"养老保险待遇", "失业保险金", "社会保险登记", "特殊工时制度", "劳动合同", "企业职工退休"},
		laws: []string{"《中华人民共和国劳动法》", "《中华人民共和国劳动合同法》", "《中华人民共和国社会保险法》",
			"《工伤保险条例》", "《失业保险条例》", "《劳动保障监察条例》", "《就业服务与就业管理规定》"}},
	{kind: "development_reform", weight: 4, objects: []string{
		"固定资产投资项目", "企业投资项目", "价格", "粮食收购", "电力设施保护", "节能评估",
		"招标投标", "政府定价", "重大项目稽查", "石油天然气管道保护"},
		laws: []string{"《中华人民共和国价格法》", "《中华人民共和国招标投标法》", "《企业投资项目核准和备案管理条例》",
			"《粮食流通管理条例》", "《中华人民共和国节约能源法》", "《电力设施保护条例》"}},
	{kind: "land_resources", weight: 8, persons: true, adjudicate: true, objects: []string{
		"建设用地", "农村宅基地", "土地使用权出让", "土地登记", "采矿权", "探矿权",
		"临时用地", "地质灾害防治", "土地复垦", "测绘资质", "基本农田保护", "土地权属"},
		laws: []string{"《中华人民共和国土地管理法》", "《中华人民共和国土地管理法实施条例》", "《中华人民共和国矿产资源法》",
			"《地质灾害防治条例》", "《土地复垦条例》", "《中华人民共和国测绘法》", "《基本农田保护条例》"}},
	{kind: "education", weight: 4, persons: true, benefits: true, objects: []string{
		"民办学校", "中外合作办学", "教师资格", "幼儿园办园", "校车使用", "学生资助",
		"义务教育入学", "教育收费", "学历证明", "校外培训机构"},
		laws: []string{"《中华人民共和国教育法》", "《中华人民共和国民办教育促进法》", "《中华人民共和国教师法》",
			"《教师资格条例》", "《校车安全管理条例》", "《中华人民共和国义务教育法》"}},
	{kind: "transport", weight: 7, persons: true, objects: []string{
		"道路旅客运输经营", "道路货物运输经营", "出租汽车经营", "机动车维修经营", "机动车驾驶员培训", "道路运输从业资格",
		"公路超限运输", "公路路政", "水路运输经营", "港口经营", "危险货物道路运输", "客运站经营"},
		laws: []string{"《中华人民共和国道路运输条例》", "《中华人民共和国公路法》", "《公路安全保护条例》",
			"《国内水路运输管理条例》", "《中华人民共和国港口法》", "《危险化学品安全管理条例》"}},
	{kind: "agriculture", weight: 7, persons: true, benefits: true, objects: []string{
		"农药经营", "种子生产经营", "肥料登记", "农机安全监理", "拖拉机驾驶证", "渔业捕捞",
		"水产苗种生产", "农村土地承包", "植物检疫", "农产品质量安全", "农业机械购置补贴", "农作物病虫害防治"},
		laws: []string{"《中华人民共和国种子法》", "《农药管理条例》", "《中华人民共和国农产品质量安全法》",
			"《中华人民共和国渔业法》", "《农业机械安全监督管理条例》", "《植物检疫条例》", "《中华人民共和国农村土地承包法》"}},
	{kind: "livestock_veterinary", weight: 4, objects: []string{
		"动物防疫条件", "动物诊疗", "兽药经营", "饲料生产", "种畜禽生产经营", "生猪定点屠宰",
		"动物检疫", "畜禽养殖场备案", "病死畜禽无害化处理", "饲料添加剂"},
		laws: []string{"《中华人民共和国动物防疫法》", "《兽药管理条例》", "《饲料和饲料添加剂管理条例》",
			"《中华人民共和国畜牧法》", "《生猪屠宰管理条例》"}},
	{kind: "city_management", weight: 5, objects: []string{
		"户外广告设置", "城市建筑垃圾处置", "占用城市道路", "临时摊点设置", "城市生活垃圾经营性清扫",
		"违法建设", "城市市容", "城市照明设施", "渣土运输", "城市排水"},
		laws: []string{"《城市市容和环境卫生管理条例》", "《中华人民共和国城乡规划法》", "《城市道路管理条例》",
			"《城市建筑垃圾管理规定》", "《城镇排水与污水处理条例》"}},
}

// decisions are the name patterns of each item type; {x} is the activity.
var decisions = map[string][]string{
	"01":  {"{x}许可", "{x}审批", "{x}核准"},
	"02":  {"对{x}违法行为的行政处罚", "对违反{x}管理规定行为的行政处罚"},
	"03":  {"对{x}违法行为涉及物品的查封、扣押", "对{x}违法设施的强制拆除"},
	"04":  {"{x}有关费用的征收"},
	"05":  {"{x}补助的给付", "{x}待遇的给付"},
	"06":  {"对{x}的监督检查", "对{x}的专项检查"},
	"07":  {"{x}资格的确认", "{x}情况的认定"},
	"08":  {"对{x}工作中成绩突出单位和个人的奖励"},
	"09":  {"{x}争议的裁决"},
	"10":  {"{x}备案", "{x}验收"},
	"20":  {"{x}政策咨询", "{x}信息查询", "{x}办事指引"},
	"fee": {"{x}证照工本费", "{x}检验检测费", "{x}登记费"},
}

// conducts are the penalty leaves of a penalty main item.
var conducts = []string{
	"未取得{x}相关许可擅自从事活动", "伪造、变造、转让{x}相关证件", "以欺骗、贿赂等不正当手段取得{x}相关许可",
	"超出核定范围从事{x}活动", "{x}许可有效期届满未延续继续从事活动", "未按规定办理{x}变更手续",
	"拒绝、阻碍{x}监督检查", "未按规定报送{x}有关资料", "涂改、出租、出借{x}相关证件",
	"隐瞒有关情况或者提供虚假材料申请{x}许可", "未按规定建立{x}台账", "未按规定公示{x}有关信息",
}

// qualifiers split a licensing main item into sub-items (by object, grade,
// scale, foreign element).
var qualifiers = [][]string{
	{"个人", "单位"}, {"一级", "二级", "三级"}, {"内资", "外商投资"}, {"新建", "改建、扩建"}, {"城市", "农村"},
}

// handlings split a sub-item into business-handling items.
var handlings = [][]string{
	{"新设", "变更", "延续", "注销"}, {"新设", "变更", "注销"}, {"新设", "注销"},
}

// extraNames are the items counties list that the standard does not have.
var extraNames = []string{"{x}年度审核", "{x}日常巡查", "{x}证明出具", "{x}情况审核", "{x}登记证明", "{x}年检"}

// scopes tell apart main items of the same activity and decision.
var scopes = []string{"一般事项", "重大事项", "跨县域", "限额以下", "限额以上", "临时", "特殊情形", "简易程序"}
