import React from 'react';
import { Route, Routes } from 'react-router-dom';
import { AppRootProps } from '@grafana/data';
import { ROUTES } from '../../constants';

const Overview = React.lazy(() => import('../../pages/Overview'));

function App(_props: AppRootProps) {
  return (
    <Routes>
      <Route path={ROUTES.Overview} element={<Overview />} />
      {/* Every other path of the app shows the overview too (the app's root among them). */}
      <Route path="*" element={<Overview />} />
    </Routes>
  );
}

export default App;
