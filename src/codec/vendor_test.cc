// Tests for the vendor reply parsers: Axis, Dahua, Hikvision ISAPI.
#include <gtest/gtest.h>

#include "codec/auth/auth.h"
#include "codec/axis/axis.h"
#include "codec/dahua/dahua.h"
#include "codec/isapi/isapi.h"

namespace anshin::codec {
namespace {

TEST(Axis, BasicDeviceInfo) {
  auto r = axis::parse_basic_device_info(
      R"({"apiVersion":"1.3","context":"anshin","data":{"propertyList":{"Brand":"AXIS","BuildDate":"Nov 07 2023 11:18",)"
      R"("HardwareID":"764","ProdFullName":"AXIS P3301 Fixed Dome Network Camera","ProdNbr":"P3301","ProdShortName":"AXIS P3301",)"
      R"("ProdType":"Network Camera","ProdVariant":"","SerialNumber":"00408CA45086","Version":"5.40.9.2","WebURL":"http://www.axis.com"}}})");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_FALSE(r->error);
  EXPECT_EQ(r->api_version, "1.3");
  EXPECT_EQ(r->brand, "AXIS");
  EXPECT_EQ(r->prod_nbr, "P3301");
  EXPECT_EQ(r->prod_full_name, "AXIS P3301 Fixed Dome Network Camera");
  EXPECT_EQ(r->prod_short_name, "AXIS P3301");
  EXPECT_EQ(r->prod_type, "Network Camera");
  EXPECT_EQ(r->serial_number, "00408CA45086");
  EXPECT_EQ(r->version, "5.40.9.2");
  EXPECT_EQ(r->build_date, "Nov 07 2023 11:18");
  EXPECT_EQ(r->hardware_id, "764");
  EXPECT_EQ(r->web_url, "http://www.axis.com");
  EXPECT_EQ(r->properties.size(), 11u);
}

TEST(Axis, ErrorAndHostile) {
  auto e = axis::parse_basic_device_info(R"({"apiVersion":"1.0","error":{"code":4002,"message":"Method not supported"}})");
  ASSERT_TRUE(e);
  ASSERT_TRUE(e->error);
  EXPECT_EQ(e->error->code.value_or(0), 4002);
  EXPECT_EQ(e->error->message, "Method not supported");
  EXPECT_FALSE(axis::parse_basic_device_info(""));
  EXPECT_FALSE(axis::parse_basic_device_info("<html>401</html>"));
  EXPECT_FALSE(axis::parse_basic_device_info(R"({"data":{"propertyList":[1,2]}})"));
  EXPECT_FALSE(axis::parse_basic_device_info(std::string(100, '{')));
  EXPECT_FALSE(axis::parse_basic_device_info("{\"data\":{\"propertyList\":{\"Brand\":\"\xff\"}}}"));
  auto w = axis::parse_basic_device_info(R"({"data":{"propertyList":{"Brand":{"x":1},"ProdNbr":42,"Version":true}}})");
  ASSERT_TRUE(w);
  EXPECT_EQ(w->brand, "");
  EXPECT_EQ(w->prod_nbr, "42");
  EXPECT_EQ(w->version, "true");
  EXPECT_EQ(axis::build_basic_device_info_request("abc"),
            R"({"apiVersion":"1.0","context":"abc","method":"getAllUnrestrictedProperties"})");
}

TEST(Dahua, MagicBox) {
  auto dt = dahua::parse_key_values("type=IPC-HDW1230S\r\n");
  ASSERT_TRUE(dt);
  EXPECT_EQ(dahua::magicbox_info(*dt).device_type, "IPC-HDW1230S");
  auto sv = dahua::parse_key_values("version=2.800.0000000.16.R,build:2020-10-19\r\n");
  ASSERT_TRUE(sv);
  auto info = dahua::magicbox_info(*sv);
  EXPECT_EQ(info.software_version, "2.800.0000000.16.R");
  EXPECT_EQ(info.build_date, "2020-10-19");
  auto si = dahua::parse_key_values(
      "deviceType=DH-XVR5116HS-I3\r\nprocessor=ARM\r\nserialNumber=7K03A1BPAZ1E2F3\r\nupdateSerial=XVR5116HS\r\n");
  ASSERT_TRUE(si);
  auto i2 = dahua::magicbox_info(*si);
  EXPECT_EQ(i2.device_type, "DH-XVR5116HS-I3");
  EXPECT_EQ(i2.serial_number, "7K03A1BPAZ1E2F3");
  EXPECT_EQ(i2.processor, "ARM");
  EXPECT_EQ(si->get("updateSerial"), "XVR5116HS");
  EXPECT_EQ(dahua::split_software_version("2.400.0000.0.R build:2016-05-10").build, "2016-05-10");
  EXPECT_EQ(dahua::split_software_version("2.420").build, "");
  EXPECT_FALSE(dahua::parse_key_values("Error\r\nBad Request!\r\n"));
  EXPECT_FALSE(dahua::parse_key_values(""));
  EXPECT_FALSE(dahua::parse_key_values(std::string(70000, 'a')));
  std::string many;
  for (int i = 0; i < 1000; ++i) many += "k" + std::to_string(i) + "=v\n";
  auto m = dahua::parse_key_values(many);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->items.size(), 256u);
}

TEST(Dahua, Rpc2Login) {
  auto r = dahua::parse_rpc2_login(
      R"({"error":{"code":268632079,"message":"Component error: login challenge!"},"id":1,)"
      R"("params":{"encryption":"Default","random":"123456789","realm":"Login to 0123456789ABC"},"result":false,"session":"abcdef0123"})");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->id.value_or(0), 1);
  EXPECT_EQ(r->result, std::optional<bool>(false));
  EXPECT_EQ(r->session, "abcdef0123");
  EXPECT_EQ(r->realm, "Login to 0123456789ABC");
  EXPECT_EQ(r->random, "123456789");
  EXPECT_EQ(r->encryption, "Default");
  EXPECT_EQ(r->error_code.value_or(0), 268632079);
  // The second step's password for this challenge (the RPC2 login hash of
  // https://github.com/ItsNotGoodName/dahua-rpc, recomputed independently).
  EXPECT_EQ(auth::dahua_rpc2_password("admin", "secret", r->realm, r->random), "1A34C642EC960B172B78B78D9F1D1A25");
  auto num = dahua::parse_rpc2_login(R"({"id":2,"params":null,"result":false,"session":1234567})");
  ASSERT_TRUE(num);
  EXPECT_EQ(num->session, "1234567");
  EXPECT_FALSE(dahua::parse_rpc2_login("[]"));
  EXPECT_FALSE(dahua::parse_rpc2_login("{}"));
  EXPECT_FALSE(dahua::parse_rpc2_login("{\"session\":"));
  EXPECT_EQ(dahua::build_rpc2_login_first("admin", 7),
            R"({"id":7,"method":"global.login","params":{"clientType":"Web3.0","loginType":"Direct","password":"","userName":"admin"}})");
}

TEST(Isapi, DeviceInfo) {
  auto r = isapi::parse_device_info(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<DeviceInfo version=\"2.0\" xmlns=\"http://www.hikvision.com/ver20/XMLSchema\">\n"
      "<deviceName>IP CAMERA</deviceName>\n<deviceID>88888888-8888-8888-8888-888888888888</deviceID>\n"
      "<deviceDescription>IPCamera</deviceDescription>\n<deviceLocation>hangzhou</deviceLocation>\n"
      "<systemContact>Hikvision.China</systemContact>\n<model>DS-2CD2143G0-I</model>\n"
      "<serialNumber>DS-2CD2143G0-I20190101AAWRC12345678</serialNumber>\n<macAddress>44:19:b6:01:02:03</macAddress>\n"
      "<firmwareVersion>V5.5.80</firmwareVersion>\n<firmwareReleasedDate>build 190601</firmwareReleasedDate>\n"
      "<encoderVersion>V7.3</encoderVersion>\n<encoderReleasedDate>build 190521</encoderReleasedDate>\n"
      "<bootVersion>V1.3.4</bootVersion>\n<bootReleasedDate>100316</bootReleasedDate>\n"
      "<hardwareVersion>0x0</hardwareVersion>\n<deviceType>IPCamera</deviceType>\n<telecontrolID>88</telecontrolID>\n"
      "<supportBeep>false</supportBeep>\n<manufacturer>hikvision</manufacturer>\n</DeviceInfo>\n");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->xmlns, "http://www.hikvision.com/ver20/XMLSchema");
  EXPECT_EQ(r->version, "2.0");
  EXPECT_EQ(r->model, "DS-2CD2143G0-I");
  EXPECT_EQ(r->firmware_version, "V5.5.80");
  EXPECT_EQ(r->firmware_released_date, "build 190601");
  EXPECT_EQ(r->serial_number, "DS-2CD2143G0-I20190101AAWRC12345678");
  EXPECT_EQ(r->mac_address, "44:19:b6:01:02:03");
  EXPECT_EQ(r->device_type, "IPCamera");
  EXPECT_EQ(r->device_name, "IP CAMERA");
  EXPECT_EQ(r->manufacturer, "hikvision");
  EXPECT_EQ(r->telecontrol_id, "88");
  EXPECT_EQ(r->field("supportBeep"), "false");
  EXPECT_FALSE(isapi::parse_device_info("<userCheck/>"));
  EXPECT_FALSE(isapi::parse_device_info("<!DOCTYPE a><DeviceInfo/>"));
}

TEST(Isapi, UserCheck) {
  auto u = isapi::parse_user_check(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?><userCheck><statusValue>401</statusValue><statusString>Unauthorized"
      "</statusString><isDefaultPassword>false</isDefaultPassword><isRiskPassword>false</isRiskPassword>"
      "<isActivated>true</isActivated><lockStatus>unlock</lockStatus><unlockTime>0</unlockTime>"
      "<retryLoginTime>5</retryLoginTime><isIllegalLogin>false</isIllegalLogin></userCheck>");
  ASSERT_TRUE(u) << u.error().message;
  EXPECT_EQ(u->status_value.value_or(0), 401);
  EXPECT_EQ(u->status_string, "Unauthorized");
  EXPECT_EQ(u->lock_status, "unlock");
  EXPECT_EQ(u->unlock_time.value_or(-1), 0);
  EXPECT_EQ(u->retry_login_time.value_or(-1), 5);
  EXPECT_EQ(u->is_illegal_login, std::optional<bool>(false));
  EXPECT_FALSE(isapi::parse_user_check("<DeviceInfo/>"));
  EXPECT_FALSE(isapi::parse_user_check("<userCheck><statusValue>401"));
}

}  // namespace
}  // namespace anshin::codec

namespace anshin::codec {
namespace {
TEST(AxisParamBrand, ReadsTheBrandGroupAndIgnoresOtherLines) {
  // shape of Kane610/axis tests/parameters/test_brand.py (an AXIS M3024-L)
  auto g = axis::parse_param_brand(
      "root.Brand.Brand=AXIS\r\nroot.Brand.ProdFullName=AXIS M3024-L Network Camera\nroot.Brand.ProdNbr=M3024-L\n"
      "root.Image.I0.Name=x\nroot.Brand.ProdType=Network Camera\n");
  ASSERT_TRUE(g);
  EXPECT_EQ(g->brand, "AXIS");
  EXPECT_EQ(g->prod_nbr, "M3024-L");
  EXPECT_EQ(g->prod_full_name, "AXIS M3024-L Network Camera");
  EXPECT_EQ(g->prod_type, "Network Camera");
  EXPECT_FALSE(axis::parse_param_brand("# Error: Error -1 getting param in group 'Brand'\r\n"));
  EXPECT_FALSE(axis::parse_param_brand(std::string(70 * 1024, 'x')));
}
}  // namespace
}  // namespace anshin::codec
