/** Demo wording for problem descriptions and rectification measures, per category code. */
export const descriptions: Record<string, string[]> = {
  parking_nonmotor: ['电动车占用人行道停放', '共享单车堆放在路口', '非机动车停放杂乱，堵塞盲道', '电动车停放超出停车线'],
  parking_motor: ['机动车占用人行道停放', '货车占道停放影响通行', '车辆停放在消防通道'],
  shop_spillover: ['商户将货架摆到店外', '餐馆在门前占道摆桌', '水果店出店经营占用人行道', '五金店货物堆放店外'],
  street_vendor: ['流动摊贩占道售卖蔬菜', '早点摊占用路口经营', '三轮车流动售卖水果', '地摊占用人行道'],
  frontage_duty: ['门前卫生不整洁', '门前三包责任牌缺失', '店门前杂物未清理'],
  littering: ['路边暴露垃圾未清运', '垃圾桶满溢', '河坡有乱倒的生活垃圾', '建筑垃圾随意倾倒'],
  piling: ['房前屋后乱堆杂物', '楼道堆放杂物', '路边堆放建材', '农具柴草乱堆乱放'],
  dirty_area: ['背街小巷卫生死角', '绿化带内积存垃圾', '沟渠淤塞有异味', '市场周边地面油污'],
  illegal_building: ['房屋后侧私搭彩钢棚', '占用公共绿地搭建棚屋', '屋顶违规加盖'],
  graffiti: ['墙面乱涂乱画', '电线杆上涂写电话号码', '围墙涂鸦未清除'],
  flyers: ['电线杆张贴小广告', '墙面牛皮癣广告', '公交站牌张贴小广告', '楼道张贴办证广告'],
  publicity_missing: ['公益广告牌破损', '创文宣传栏内容过期', '围挡公益广告缺失'],
  facility_damage: ['路灯损坏不亮', '人行道板破损', '窨井盖缺失', '垃圾分类亭破损'],
  greenbelt_damage: ['绿化带被踩踏损毁', '黄土裸露未覆盖', '行道树缺株'],
  flying_wires: ['楼道私拉电线给电动车充电', '沿街飞线杂乱', '商户私拉电线'],
  drying_clothes: ['沿街晾晒衣物', '护栏上晾晒被褥', '路边晾晒农作物占道'],
};

export const measures: Record<string, string> = {
  parking_nonmotor: '施划停车线，规范停放并安排专人引导',
  parking_motor: '劝离违停车辆，设置禁停标识',
  shop_spillover: '责令退店经营，签订门前三包责任书',
  street_vendor: '劝导摊贩进入市场或临时疏导点经营',
  frontage_duty: '督促商户落实门前三包责任',
  littering: '当日清运，增设垃圾收集容器',
  piling: '限期清理杂物，恢复通行',
  dirty_area: '组织集中清扫，纳入日常保洁',
  illegal_building: '下达限期拆除通知，依法拆除',
  graffiti: '清洗覆盖涂写痕迹',
  flyers: '铲除小广告，追查发布人',
  publicity_missing: '更换、补设公益广告',
  facility_damage: '报修并限期修复',
  greenbelt_damage: '补植绿化，覆盖裸土',
  flying_wires: '拆除飞线，引导集中充电',
  drying_clothes: '劝导收回晾晒物，设置集中晾晒点',
};

/** Common surnames and given-name characters for demo reporters of public reports (fictitious people). */
export const surnames = [...'王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高顾陆蒋沈韩'];
export const givenChars = [...'建国华明秀英丽芳军伟强平红兰海春志桂玉德文静敏勇'];
/** Mobile prefixes of China's carriers, for demo phone numbers. */
export const mobilePrefixes = ['133', '135', '138', '139', '150', '151', '152', '158', '177', '180', '182', '187', '189', '199'];
