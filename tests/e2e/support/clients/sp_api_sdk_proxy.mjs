// @sp-api-sdk/auth and @sp-api-sdk/common (axios) as an app uses them, with HTTPS_PROXY set:
// axios honours the proxy itself. Credentials come from LWA_CLIENT_ID / LWA_CLIENT_SECRET (the
// library's own variables); region from argv[2] (na, eu, fe). Prints one JSON object.
import { SellingPartnerApiAuth, AuthorizationScope } from '@sp-api-sdk/auth';
import { createAxiosInstance } from '@sp-api-sdk/common';

const auth = new SellingPartnerApiAuth({ scopes: [AuthorizationScope.CLIENT_CREDENTIAL_ROTATION] });
const { axios, endpoint } = createAxiosInstance({ auth, region: process.argv[2] ?? 'na' }, []);
const answer = async () => {
  try {
    const r = await axios.post(`${endpoint}/applications/2023-11-30/clientSecret`);
    return { status: r.status };
  } catch (error) {
    return { status: error.response?.status, code: error.response?.data?.errors?.[0]?.code, message: error.message };
  }
};
const first = await answer();
const second = await answer();
process.stdout.write(JSON.stringify({ endpoint, first, second }));
